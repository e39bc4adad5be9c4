package chatterbox.platform.persistence;

import akka.persistence.typed.javadsl.EffectFactories;

/**
 * Base of an event-sourced entity type's handlers when they are built once per node and handed to
 * every instance, instead of by each instance as Akka's Java API has it: its builders keep a case
 * object and lambdas for every command and state, in every instance that is awake
 * (docs/performance.md, Change 44). It gives the handler code the {@code Effect()} an entity has,
 * so that code reads as it would inside the entity.
 *
 * <p>Only for handlers that read nothing of an instance (its id, its actor context), just what every
 * instance on the node shares, such as settings: the same objects then serve every instance, on any
 * thread, for Akka's built handlers are immutable.
 */
public abstract class NodeHandlers<E, S> {

  // Akka's own Effect() hands every entity one stateless factory, cast likewise.
  private static final EffectFactories<Object, Object> EFFECTS = new EffectFactories<>();

  @SuppressWarnings({"unchecked", "MethodName"})
  protected final EffectFactories<E, S> Effect() {
    return (EffectFactories<E, S>) (EffectFactories<?, ?>) EFFECTS;
  }
}
