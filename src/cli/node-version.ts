/** The oldest Node.js major version the kit supports (Lambda's `nodejs22.x`; Node.js 20 is end of life). */
export const MINIMUM_NODE_MAJOR = 22;

/**
 * On an unsupported Node.js, says so in one line and silences the AWS SDK's eight-line notice about the same
 * thing; on a supported one does nothing (the SDK prints nothing there either). Respects
 * `AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED=true` when the caller already chose silence.
 *
 * @example
 * ```ts
 * warnAboutUnsupportedNode(process.versions.node, process.env, (line) => console.error(line));
 * ```
 */
export function warnAboutUnsupportedNode(
  nodeVersion: string,
  env: NodeJS.ProcessEnv,
  warn: (line: string) => void,
): void {
  const major = Number.parseInt(nodeVersion, 10);
  if (!(major < MINIMUM_NODE_MAJOR)) return;
  if (env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED === 'true') return;
  env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  warn(
    `sgk: Node.js ${nodeVersion} is not supported (end of life); use Node.js ${MINIMUM_NODE_MAJOR} or later.`,
  );
}
