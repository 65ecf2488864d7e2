/** The time source every decision takes, passed in so tests can drive it. */
export type Clock = () => Date;
