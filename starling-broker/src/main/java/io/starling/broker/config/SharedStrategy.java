package io.starling.broker.config;

/** How a shared subscription group picks the member that receives a message. */
public enum SharedStrategy { ROUND_ROBIN, RANDOM, STICKY, HASH_CLIENTID, HASH_TOPIC }
