/**
 * `expect(template).toHaveResourceProperties(type, properties)`: the CDK assertion as a vitest matcher, so a
 * failure shows CDK's description of the closest mismatching resource.
 */
import type { Template } from 'aws-cdk-lib/assertions';
import { expect } from 'vitest';

declare module 'vitest' {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- must match vitest's declaration
  interface Matchers<T = any> {
    /** The template has a resource of `type` whose properties match (CDK `Match` objects allowed). */
    toHaveResourceProperties(type: string, properties: unknown): T;
  }
}

expect.extend({
  toHaveResourceProperties(received: Template, type: string, properties: unknown) {
    try {
      received.hasResourceProperties(type, properties);
      return { pass: true, message: () => `expected no ${type} with these properties` };
    } catch (error) {
      return { pass: false, message: () => (error instanceof Error ? error.message : String(error)) };
    }
  },
});
