/** todoctl's version; a unit test keeps it equal to cli/package.json. */
export const VERSION = '0.1.0';

/**
 * The oldest Node.js todoctl runs on: cli/package.json's `engines.node` (a unit test keeps them
 * equal), which bin/todoctl and .ci/run read too.
 */
export const NODE_MINIMUM = '22.12.0';
