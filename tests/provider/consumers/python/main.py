"""A Python program using the Python SDK generated from the provider's schema, run under Pulumi's Python
mocks: it declares one component per cloud and prints what it registered (type token, name, inputs) as JSON."""
import json

import pulumi


class Mocks(pulumi.runtime.Mocks):
    def __init__(self):
        self.seen = []

    def new_resource(self, args):
        self.seen.append({"type": args.typ, "name": args.name, "inputs": args.inputs})
        return [f"{args.name}-id", args.inputs]

    def call(self, args):
        return {}


mocks = Mocks()
pulumi.runtime.set_mocks(mocks, preview=False)

import pulumi_provisioning as provisioning  # noqa: E402  (after set_mocks, as Pulumi's docs require)
from pulumi_provisioning import aws, azure, gcp  # noqa: E402

NET = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/net/providers/Microsoft.Network"
VAULT = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-db/providers/Microsoft.KeyVault/vaults/kv-db"
AZURE = dict(resource_group_name="rg-db", location="westeurope", key_vault_id=VAULT)


def flexible_network(kind):
    """A flexible server's delegated subnet and private DNS zone."""
    return provisioning.NetworkSpecArgs(
        subnet_ids=[f"{NET}/virtualNetworks/v/subnets/{kind}"],
        private_dns_zone_id=f"{NET}/privateDnsZones/db.{kind}.database.azure.com",
    )


@pulumi.runtime.test
def program():
    dbs = [
        aws.RdsDatabase(
            "orders",
            environment=provisioning.Environment.PROD,
            region="us-east-1",
            input=provisioning.DatabaseSpecInputArgs(
                name="orders",
                engine=provisioning.Engine.POSTGRES,
                size=provisioning.SizeArgs(tier=provisioning.SizeTier.LARGE),
                backup=provisioning.BackupSpecArgs(retention_days=14),
                network=provisioning.NetworkSpecArgs(
                    vpc_id="vpc-0f5b3c9e7d1a46802",
                    subnet_ids=["subnet-0e85a6c1b3f7d9405", "subnet-0f96b7d2c4a8e0516"],
                    allowed_cidrs=["10.0.0.0/16"],
                ),
                tags={"team": "orders"},
            ),
        ),
        gcp.CloudSqlDatabase(
            "billing",
            environment=provisioning.Environment.DEV,
            region="europe-west1",
            input=provisioning.DatabaseSpecInputArgs(
                name="billing",
                engine=provisioning.Engine.MYSQL,
                observability=provisioning.ObservabilitySpecArgs(slow_query_ms=750),
                network=provisioning.NetworkSpecArgs(vpc_id="projects/acme/global/networks/main"),
            ),
        ),
        azure.SqlDatabase(
            "ledger",
            environment=provisioning.Environment.STAGING,
            **AZURE,
            input=provisioning.DatabaseSpecInputArgs(
                name="ledger",
                engine=provisioning.Engine.SQLSERVER,
                network=provisioning.NetworkSpecArgs(subnet_ids=[f"{NET}/virtualNetworks/v/subnets/sql"]),
                encryption=provisioning.EncryptionSpecArgs(
                    at_rest=provisioning.AtRestEncryptionArgs(type=provisioning.AtRestEncryptionType.CUSTOMER_KEY, create=True)
                ),
            ),
        ),
        azure.PostgresFlexibleServer(
            "events",
            environment=provisioning.Environment.DEV,
            **AZURE,
            key_vault_access=provisioning.KeyVaultAccessModel.ACCESS_POLICY,
            input=provisioning.DatabaseSpecInputArgs(
                name="events",
                engine=provisioning.Engine.POSTGRES,
                network=flexible_network("postgres"),
            ),
        ),
        azure.MysqlFlexibleServer(
            "shop",
            environment=provisioning.Environment.DEV,
            **AZURE,
            input=provisioning.DatabaseSpecInputArgs(
                name="shop",
                engine=provisioning.Engine.MYSQL,
                network=flexible_network("mysql"),
                maintenance_window=provisioning.MaintenanceWindowArgs(day=provisioning.DayOfWeek.SUN, hour=3),
            ),
        ),
    ]
    return pulumi.Output.all(*[db.urn for db in dbs])


program()
print(json.dumps(mocks.seen))
