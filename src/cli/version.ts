import packageJson from '../../package.json' with { type: 'json' };

/** The installed version of serverless-game-kit. */
export const VERSION: string = packageJson.version;
