package chatterbox.kyc;

import akka.Done;
import akka.actor.typed.ActorSystem;
import akka.cluster.sharding.typed.javadsl.ClusterSharding;
import akka.cluster.sharding.typed.javadsl.EntityRef;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The operations of the KYC API, each a short non-blocking sequence of {@link SubjectVault} (keys
 * and cryptography) and the subject's {@link KycRecord} (lifecycle). The order of the steps is
 * what keeps erasure safe under retries, crashes and concurrent requests:
 *
 * <ul>
 *   <li>Erase shreds the data key <em>before</em> recording the erasure: a crash in between
 *       leaves data that is already unreadable (reads answer Gone) rather than an "erased"
 *       subject whose data can still be decrypted. It shreds once more afterwards, in case a
 *       concurrent registration created a key in between.</li>
 *   <li>Register seals first, which may create a data key, then asks the record. When the
 *       record answers that the subject is erased, any key there is an orphan and is shredded.</li>
 * </ul>
 *
 * Logs name subjects by id only.
 */
final class SubjectRegistry {

  private static final Logger log = LoggerFactory.getLogger(SubjectRegistry.class);

  /** What a lookup found. {@link Found} carries personal data: keep it away from logs. */
  sealed interface Lookup {
    record Found(Identity identity) implements Lookup {}

    record NotFound() implements Lookup {}

    record Gone() implements Lookup {}
  }

  private final ClusterSharding sharding;
  private final SubjectVault vault;
  private final Duration askTimeout;

  SubjectRegistry(ActorSystem<?> system, SubjectVault vault, Duration askTimeout) {
    this.sharding = ClusterSharding.get(system);
    this.vault = vault;
    this.askTimeout = askTimeout;
  }

  /** {@code subjectId} must be a canonical subject id (see {@link SubjectId}). */
  CompletionStage<KycRecord.RegisterReply> register(String subjectId, Identity identity) {
    return vault.seal(subjectId, identity)
        .thenCompose(sealed -> record(subjectId).<KycRecord.RegisterReply>ask(
            replyTo -> new KycRecord.Register(sealed, replyTo), askTimeout))
        .thenCompose(reply -> {
          if (reply instanceof KycRecord.RegisterReply.Gone) {
            log.info("KYC subject {}: registration refused, the subject was erased", subjectId);
            return vault.shred(subjectId).thenApply(shredded -> reply);
          }
          if (reply instanceof KycRecord.RegisterReply.Created) {
            log.info("KYC subject {} registered", subjectId);
          } else if (reply instanceof KycRecord.RegisterReply.Conflict) {
            log.info("KYC subject {}: registration refused, other data is registered", subjectId);
          }
          return CompletableFuture.completedFuture(reply);
        });
  }

  CompletionStage<Lookup> lookup(String subjectId) {
    return record(subjectId).<KycRecord.GetReply>ask(KycRecord.Get::new, askTimeout)
        .thenCompose(reply -> {
          if (reply instanceof KycRecord.GetReply.Found found) {
            return vault.open(subjectId, found.identity()).thenApply(identity -> identity
                .<Lookup>map(Lookup.Found::new)
                .orElseGet(() -> {
                  // The key is gone but the erasure was not recorded: an erasure that was cut short.
                  log.warn("KYC subject {} has no data key but is not marked erased; its data is unrecoverable"
                      + " (DELETE it again to complete the erasure)", subjectId);
                  return new Lookup.Gone();
                }));
          }
          Lookup lookup = reply instanceof KycRecord.GetReply.Gone ? new Lookup.Gone() : new Lookup.NotFound();
          return CompletableFuture.completedFuture(lookup);
        });
  }

  /** Shreds the subject's data and marks it erased. Idempotent; an unknown subject becomes erased too. */
  CompletionStage<Done> erase(String subjectId) {
    return vault.shred(subjectId)
        .thenCompose(shredded -> record(subjectId).<Done>ask(KycRecord.Erase::new, askTimeout))
        .thenCompose(done -> vault.shred(subjectId))
        .thenApply(shredded -> {
          log.info("KYC subject {} erased", subjectId);
          return Done.getInstance();
        });
  }

  private EntityRef<KycRecord.Command> record(String subjectId) {
    return sharding.entityRefFor(KycRecord.ENTITY_KEY, subjectId);
  }
}
