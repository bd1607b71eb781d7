/** The App's state: ports per concern, two backends (SQLite by default, PostgreSQL for replicas). */
export { openStore, resolveDatabaseLocation, DEFAULT_DATABASE_PATH, type DatabaseLocation } from './open.js';
export { StoreCorruptRowError, StoreError, StoreInputError } from './errors.js';
export type {
  CommentIds,
  CommentKey,
  Deliveries,
  DeliverySteps,
  Evaluations,
  HeadSha,
  Inbox,
  InboxEntry,
  InboxState,
  InboxStats,
  NewInboxDelivery,
  TakenDelivery,
  KnownRepository,
  LatestEvaluationQuery,
  NewPromotion,
  PromotionTransition,
  Promotions,
  PullHeads,
  Repositories,
  SlackLink,
  SlackLinks,
  SlackMessages,
  Store,
  StoreOptions,
} from './ports.js';
