// Loaded first by ./index.ts: a missing @pulumi/aws is reported with the install command.
import { requirePeer } from "../shared/peer.js";

requirePeer("@pulumi/aws", "aws");
