// Loaded first by ./index.ts: a missing @pulumi/azure is reported with the install command.
import { requirePeer } from "../shared/peer.js";

requirePeer("@pulumi/azure", "azure");
