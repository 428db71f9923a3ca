// A Go program using the Go SDK generated from the provider's schema, run under Pulumi's Go mocks: it
// declares one component per cloud and prints what it registered (type token, name, inputs) as JSON.
package main

import (
	"encoding/json"
	"fmt"
	"os"
	"sync"

	"github.com/dbtk/provisioning/sdk/go/provisioning"
	"github.com/dbtk/provisioning/sdk/go/provisioning/aws"
	"github.com/dbtk/provisioning/sdk/go/provisioning/azure"
	"github.com/dbtk/provisioning/sdk/go/provisioning/gcp"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

type registration struct {
	Type   string         `json:"type"`
	Name   string         `json:"name"`
	Inputs map[string]any `json:"inputs"`
}

type mocks struct {
	mu   sync.Mutex
	seen []registration
}

func (m *mocks) NewResource(args pulumi.MockResourceArgs) (string, resource.PropertyMap, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.seen = append(m.seen, registration{args.TypeToken, args.Name, args.Inputs.Mappable()})
	return args.Name + "-id", args.Inputs, nil
}

func (m *mocks) Call(args pulumi.MockCallArgs) (resource.PropertyMap, error) {
	return args.Args, nil
}

const net = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/net/providers/Microsoft.Network"

const vault = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-db/providers/Microsoft.KeyVault/vaults/kv-db"

// A flexible server's delegated subnet and private DNS zone.
func flexibleNetwork(kind string) *provisioning.NetworkSpecArgs {
	return &provisioning.NetworkSpecArgs{
		SubnetIds:        pulumi.StringArray{pulumi.String(net + "/virtualNetworks/v/subnets/" + kind)},
		PrivateDnsZoneId: pulumi.String(net + "/privateDnsZones/db." + kind + ".database.azure.com"),
	}
}

func program(ctx *pulumi.Context) error {
	if _, err := aws.NewRdsDatabase(ctx, "orders", &aws.RdsDatabaseArgs{
		Environment: provisioning.EnvironmentPROD,
		Region:      pulumi.String("us-east-1"),
		Input: &provisioning.DatabaseSpecInputArgs{
			Name:   pulumi.String("orders"),
			Engine: provisioning.EnginePOSTGRES,
			Size:   &provisioning.SizeArgs{Tier: provisioning.SizeTierLARGE},
			Backup: &provisioning.BackupSpecArgs{RetentionDays: pulumi.Int(14)},
			Network: &provisioning.NetworkSpecArgs{
				VpcId:        pulumi.String("vpc-0f5b3c9e7d1a46802"),
				SubnetIds:    pulumi.StringArray{pulumi.String("subnet-0e85a6c1b3f7d9405"), pulumi.String("subnet-0f96b7d2c4a8e0516")},
				AllowedCidrs: pulumi.StringArray{pulumi.String("10.0.0.0/16")},
			},
			Tags: pulumi.StringMap{"team": pulumi.String("orders")},
		},
	}); err != nil {
		return err
	}
	if _, err := gcp.NewCloudSqlDatabase(ctx, "billing", &gcp.CloudSqlDatabaseArgs{
		Environment: provisioning.EnvironmentDEV,
		Region:      pulumi.String("europe-west1"),
		Input: &provisioning.DatabaseSpecInputArgs{
			Name:          pulumi.String("billing"),
			Engine:        provisioning.EngineMYSQL,
			Observability: &provisioning.ObservabilitySpecArgs{SlowQueryMs: pulumi.Int(750)},
			Network:       &provisioning.NetworkSpecArgs{VpcId: pulumi.String("projects/acme/global/networks/main")},
		},
	}); err != nil {
		return err
	}
	if _, err := azure.NewSqlDatabase(ctx, "ledger", &azure.SqlDatabaseArgs{
		Environment:       provisioning.EnvironmentSTAGING,
		ResourceGroupName: pulumi.String("rg-db"),
		Location:          pulumi.String("westeurope"),
		KeyVaultId:        pulumi.String(vault),
		Input: &provisioning.DatabaseSpecInputArgs{
			Name:       pulumi.String("ledger"),
			Engine:     provisioning.EngineSQLSERVER,
			Network:    &provisioning.NetworkSpecArgs{SubnetIds: pulumi.StringArray{pulumi.String(net + "/virtualNetworks/v/subnets/sql")}},
			Encryption: &provisioning.EncryptionSpecArgs{AtRest: &provisioning.AtRestEncryptionArgs{Type: provisioning.AtRestEncryptionType_CUSTOMER_KEY, Create: pulumi.Bool(true)}},
		},
	}); err != nil {
		return err
	}
	if _, err := azure.NewPostgresFlexibleServer(ctx, "events", &azure.PostgresFlexibleServerArgs{
		Environment:       provisioning.EnvironmentDEV,
		ResourceGroupName: pulumi.String("rg-db"),
		Location:          pulumi.String("westeurope"),
		KeyVaultId:        pulumi.String(vault),
		KeyVaultAccess:    provisioning.KeyVaultAccessModel_ACCESS_POLICY,
		Input: &provisioning.DatabaseSpecInputArgs{
			Name:    pulumi.String("events"),
			Engine:  provisioning.EnginePOSTGRES,
			Network: flexibleNetwork("postgres"),
		},
	}); err != nil {
		return err
	}
	_, err := azure.NewMysqlFlexibleServer(ctx, "shop", &azure.MysqlFlexibleServerArgs{
		Environment:       provisioning.EnvironmentDEV,
		ResourceGroupName: pulumi.String("rg-db"),
		Location:          pulumi.String("westeurope"),
		KeyVaultId:        pulumi.String(vault),
		Input: &provisioning.DatabaseSpecInputArgs{
			Name:              pulumi.String("shop"),
			Engine:            provisioning.EngineMYSQL,
			Network:           flexibleNetwork("mysql"),
			MaintenanceWindow: &provisioning.MaintenanceWindowArgs{Day: provisioning.DayOfWeekSUN, Hour: pulumi.Int(3)},
		},
	})
	return err
}

func main() {
	m := &mocks{}
	if err := pulumi.RunErr(program, pulumi.WithMocks("consumer", "test", m)); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	out, _ := json.Marshal(m.seen)
	fmt.Println(string(out))
}
