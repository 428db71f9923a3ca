// MariaDB restore points (in progress).
import type { DbTarget } from "../../core/connection.js";
import { DbtkError } from "../../core/errors.js";
import type { RestorePoint, RestorePointOptions, RestoreResult, TakenRestorePoint } from "./types.js";

const todo = (): never => {
  throw new DbtkError("restore points on MySQL/MariaDB are not supported yet");
};
export const myList = async (_t: DbTarget, _sizes?: boolean): Promise<RestorePoint[]> => todo();
export const myTake = async (_t: DbTarget, _v: string | null, _o?: RestorePointOptions): Promise<TakenRestorePoint> => todo();
export const myRestore = async (_t: DbTarget, _id: string, _o?: RestorePointOptions): Promise<RestoreResult> => todo();
export const myDrop = async (_t: DbTarget, _id: string): Promise<RestorePoint> => todo();
