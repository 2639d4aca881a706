/** A control-API request the emulator refuses; `status` is what `/_emulator/*` answers. */
export class ControlError extends Error {
  readonly status: number

  constructor(status: number, message: string) {
    super(message)
    this.name = new.target.name
    this.status = status
  }
}
