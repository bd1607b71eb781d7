/**
 * The Block Kit shapes modelgate sends, as plain data (the renderers stay free of Slack's
 * client). Only what is used is typed; Slack's own reference is the source of truth.
 */
export interface TextObject {
  type: 'plain_text' | 'mrkdwn';
  text: string;
  emoji?: boolean;
}

export type Block =
  | { type: 'header'; text: TextObject }
  | { type: 'section'; text: TextObject; block_id?: string }
  | { type: 'section'; fields: TextObject[]; block_id?: string }
  | { type: 'context'; elements: TextObject[] }
  | { type: 'divider' }
  | { type: 'actions'; block_id: string; elements: ButtonElement[] }
  | { type: 'input'; block_id: string; label: TextObject; element: Record<string, unknown>; optional?: boolean };

export interface ButtonElement {
  type: 'button';
  action_id: string;
  text: TextObject;
  value: string;
  style?: 'primary' | 'danger';
  confirm?: { title: TextObject; text: TextObject; confirm: TextObject; deny: TextObject };
}

/** A message: `text` is the notification and screen-reader fallback of `blocks`. */
export interface SlackMessage {
  text: string;
  blocks?: Block[];
}
