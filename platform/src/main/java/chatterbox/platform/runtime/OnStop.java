package chatterbox.platform.runtime;

import akka.actor.typed.Behavior;
import akka.actor.typed.BehaviorInterceptor;
import akka.actor.typed.PostStop;
import akka.actor.typed.Signal;
import akka.actor.typed.TypedActorContext;
import akka.actor.typed.javadsl.Behaviors;

/**
 * Runs an action when an actor stops, for whatever reason, around a behaviour that need not know:
 * for releasing what was taken for the actor when it was set up (an event-sourced behaviour's own
 * signal handler does not see a stop in every one of its internal states).
 */
public final class OnStop<T> extends BehaviorInterceptor<T, T> {

  private final Runnable action;

  private OnStop(Class<T> messageType, Runnable action) {
    super(messageType);
    this.action = action;
  }

  /** {@code behavior}, which runs {@code action} once, after the actor has stopped. */
  public static <T> Behavior<T> run(Class<T> messageType, Runnable action, Behavior<T> behavior) {
    return Behaviors.intercept(() -> new OnStop<>(messageType, action), behavior);
  }

  @Override
  public Behavior<T> aroundReceive(TypedActorContext<T> ctx, T msg, ReceiveTarget<T> target) {
    return target.apply(ctx, msg);
  }

  @Override
  public Behavior<T> aroundSignal(TypedActorContext<T> ctx, Signal signal, SignalTarget<T> target) {
    if (signal instanceof PostStop) {
      try {
        return target.apply(ctx, signal);
      } finally {
        action.run();
      }
    }
    return target.apply(ctx, signal);
  }
}
