/** Time as the shell sees it: the system's, or a virtual clock that simulations move by hand. */
export interface Clock {
  now(): number;
  readonly virtual: boolean;
}

export class SystemClock implements Clock {
  readonly virtual = false;
  now(): number {
    return Date.now();
  }
}

export class VirtualClock implements Clock {
  readonly virtual = true;
  constructor(private current: number) {}
  now(): number {
    return this.current;
  }
  /** Move to `t`; time never goes back. */
  set(t: number): void {
    if (t > this.current) this.current = t;
  }
}
