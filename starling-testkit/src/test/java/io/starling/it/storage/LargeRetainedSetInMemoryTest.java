package io.starling.it.storage;

/** {@link LargeRetainedSets} on the memory storage: the index holds the messages themselves. */
class LargeRetainedSetInMemoryTest extends LargeRetainedSets {
    @Override
    String storageType() {
        return "memory";
    }
}
