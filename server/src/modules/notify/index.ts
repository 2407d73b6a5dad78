/** The notify module's door: the transactional outbox, channel adapters and in-app notices. */
export { configuredChannels } from "./channels.js";
export { type InAppNotice, notifyUsers } from "./notifications.js";
export { type ChannelAdapter, dispatchDue, enqueue, type OutboundMessage } from "./outbox.js";
export { deliverySummary } from "./repository.js";
export { registerNotifyRoutes } from "./routes.js";
export { smsAdapter } from "./sms.js";
export { webhookAdapter } from "./webhook.js";
