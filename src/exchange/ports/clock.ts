/** The time as the use-cases see it: injected, so tests and replays decide what "now" is. */
export type Clock = () => Date;

export const systemClock: Clock = () => new Date();
