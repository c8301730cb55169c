import type { ReactiveController, ReactiveControllerHost } from 'lit';

/** Where focus goes after an action: Answer when a call rings, Hangup in a call, the number field after. */
export type FocusTarget = 'answer' | 'hangup' | 'number' | 'invalid';

const SELECTORS: Record<FocusTarget, string> = {
  answer: '[part=answer-button]',
  hangup: '[part=hangup-button]',
  number: '[part=number]',
  invalid: '[aria-invalid=true]',
};

/**
 * Keeps keyboard and screen-reader users where they were working: focus moves to the next
 * control after Connect, Call, Answer and Hangup, but only while the phone holds focus
 * (it is inside the phone, or it was and went with a control the phone removed). Focus is
 * never taken from the page: a visitor typing in the page when a call rings keeps typing.
 */
export class FocusController implements ReactiveController {
  /** The last focus the page saw was inside the phone. */
  #inside = false;

  constructor(private readonly host: ReactiveControllerHost & HTMLElement) {
    host.addController(this);
  }

  hostConnected(): void {
    document.addEventListener('focusin', this.#track, true);
    if (this.host.matches(':focus-within')) this.#inside = true;
  }

  hostDisconnected(): void {
    document.removeEventListener('focusin', this.#track, true);
  }

  #track = (e: FocusEvent): void => {
    this.#inside = e.composedPath().includes(this.host);
  };

  /** Focus is inside the phone, or was and fell to the page's body with a control the phone removed. */
  get holdsFocus(): boolean {
    if (this.host.matches(':focus-within')) return true;
    const active = document.activeElement;
    return this.#inside && (!active || active === document.body);
  }

  /** Moves focus to `target` once the phone and its children have rendered, if the phone holds focus. */
  async move(target: FocusTarget): Promise<void> {
    if (!this.holdsFocus) return;
    await this.host.updateComplete;
    // The children render from context after the host: wait for them too.
    const children = [...(this.host.shadowRoot?.querySelectorAll('*') ?? [])].filter(
      (el): el is Element & { updateComplete: Promise<unknown> } => 'updateComplete' in el,
    );
    await Promise.all(children.map((child) => child.updateComplete));
    if (!this.holdsFocus) return;
    const root = this.host.shadowRoot;
    const found =
      root?.querySelector<HTMLElement>(SELECTORS[target]) ??
      children.map((child) => child.shadowRoot?.querySelector<HTMLElement>(SELECTORS[target])).find(Boolean);
    found?.focus();
  }
}
