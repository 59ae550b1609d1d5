/** Bad options or data for the CLV pipeline (a date that is not a date, an unknown unit, …). */
export class ClvInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ClvInputError';
  }
}
