// Loaded first by ./index.ts: a missing @pulumi/gcp is reported with the install command.
import { requirePeer } from "../shared/peer.js";

requirePeer("@pulumi/gcp", "gcp");
