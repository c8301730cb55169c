/**
 * The phone's words, in the language of the page around it. Every string a phone shows or
 * announces is a message: a key, with arguments, looked up when it is rendered in the
 * catalog of the element's language (its `lang`, or the nearest `lang` above it, through
 * shadow roots, then the document's), falling back to English. Each module registers its own
 * English messages (so each chunk carries the words it shows); other languages are whole
 * catalogs: Russian ships and loads only when a phone needs it, and a page can add one with
 * `addMessages()`. State, engine failures and events carry keys (and codes), never
 * sentences; `sip-error` carries the sentence the phone shows, in its language.
 *
 * Why not @lit/localize: its locale is one per page, set by a global call, while a phone
 * follows its own `lang` (two phones in two languages on one page), and its runtime mode
 * would add its own loader to the code every page downloads.
 */

/** A message: a text, or a function of the message's arguments. */
export type Message = string | ((...args: string[]) => string);
export type Messages = Record<string, Message>;
/** A message to show: its key and arguments. */
export type Msg = readonly [key: string, ...args: string[]];

const catalogs: Record<string, Messages> = Object.create(null) as Record<string, Messages>;
let russian: Promise<void> | undefined;

/**
 * Adds messages to a language (`en` for the phone's own English; `de`, not `de-CH`). A page
 * adds a language with every key of the English catalog; missing keys fall back to English.
 */
export function addMessages(lang: string, messages: Messages): void {
  const key = lang.toLowerCase();
  catalogs[key] = { ...catalogs[key], ...messages };
}

/** The messages of `lang` registered so far (a copy). */
export function messagesOf(lang: string): Messages {
  return { ...catalogs[lang.toLowerCase()] };
}

/**
 * The language of `el`: its `lang` or the nearest one above it (through shadow roots), else
 * `en`; by its primary subtag (`ru` for `ru-RU`: catalogs are per language, not per region).
 */
export function languageOf(el: Element): string {
  for (let node: Element | undefined = el; node; node = (node.getRootNode() as Partial<ShadowRoot>).host) {
    const lang = node.closest('[lang]')?.getAttribute('lang');
    if (lang) return lang.split('-')[0].toLowerCase();
  }
  return 'en';
}

/**
 * Loads the Russian catalog the first time a phone speaks Russian (other languages are added
 * by the page); a promise to wait for, or undefined when there is nothing to load.
 */
export function loadLanguage(lang: string): Promise<void> | undefined {
  if (lang !== 'ru' || catalogs.ru) return undefined;
  // An unreachable chunk leaves the phone speaking English.
  return (russian ??= import('./i18n/ru.js').then(
    (m) => addMessages('ru', m.ru),
    () => undefined,
  ));
}

/** The text of `msg` in `lang` (a primary subtag, as `languageOf` gives), else in English, else its key. */
export function translate(lang: string, [key, ...args]: Msg): string {
  const message = catalogs[lang]?.[key] ?? catalogs.en?.[key] ?? key;
  return typeof message === 'function' ? message(...args) : message;
}
