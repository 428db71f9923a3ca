// What the provider refused, by property path: the errors of the InputPropertiesError a construct threw.
import * as pulumi from "@pulumi/pulumi";

export async function refusal(promise: Promise<unknown>): Promise<{ propertyPath: string; reason: string }[]> {
  try {
    await promise;
  } catch (e) {
    if (pulumi.InputPropertiesError.isInstance(e)) return e.errors;
    throw e;
  }
  throw new Error("expected the provider to refuse the input");
}
