package chatterbox.platform.serialization;

/**
 * Marker for every message, event and snapshot that crosses the network or reaches the journal.
 * It is bound to akka-serialization-jackson's JSON serializer in this module's
 * {@code reference.conf}; nothing is ever serialized with Java serialization, so events stay
 * readable and evolvable (add fields with defaults, rename via Jackson migrations).
 */
public interface JsonSerializable {}
