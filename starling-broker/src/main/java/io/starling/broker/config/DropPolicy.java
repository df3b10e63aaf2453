package io.starling.broker.config;

/** Which message a full session queue gives up, after any QoS 0 message it holds. */
public enum DropPolicy { DROP_OLDEST, DROP_NEWEST }
