// The transfer key's public face, for the Desk and the adapters.
export { KeyService, type KeyServiceEvents, type KeyServiceOptions, type LearnedMapping } from './service';
export type { ButtonName, DeviceProblem, DeviceState, KeyActionEvent, KeyEvent, KeySourceKind } from './events';
export type { LearnedKey } from './learn';
export { systemClock, silentLogger, type Clock, type KeyLogger } from './clock';
export { HidUnavailableError, type HidBackend } from './hid/backend';
export { createNodeHidBackend } from './hid/node-hid-backend';
export { DEFAULT_RECONNECT_POLICY, type ReconnectPolicy } from './hid/reader';
export { normalizeAccelerator } from './keyboard';
export { buttonLabel, problemLabel, stateLabel } from './messages';
