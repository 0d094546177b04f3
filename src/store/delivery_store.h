#pragma once
// The outgoing delivery queue: fan-outs and jobs.
// Part of the store (store.h composes the areas); implementations are thread-safe and throw
// StoreUnavailable (util/error.h) when the database cannot be reached.
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "store/federation_rows.h"

namespace artdag::store {

class DeliveryStore {
 public:
  virtual ~DeliveryStore() = default;

  // Delivery queue. Every activity appended to the log also gets an outbox_fanout row in
  // the same transaction; expand_fanouts turns those into one job per distinct inbox of the
  // actor's followers (shared inbox preferred) and returns the number of jobs created.
  virtual int64_t expand_fanouts(int64_t now, int max_activities) = 0;
  virtual int64_t enqueue_delivery(const std::string& sender, const std::string& inbox_url,
                                   const std::string& payload, int64_t now) = 0;
  // Leases up to `limit` due jobs to `worker` until `lease_until`. Several processes never
  // lease the same job at once (FOR UPDATE SKIP LOCKED on PostgreSQL).
  virtual std::vector<DeliveryJob> claim_deliveries(const std::string& worker, int64_t now,
                                                    int64_t lease_until, int limit) = 0;
  virtual void complete_delivery(int64_t job_id) = 0;  // delivered: removed
  virtual void retry_delivery(int64_t job_id, int64_t next_attempt_at,
                              const std::string& error) = 0;
  virtual void drop_delivery(int64_t job_id, const std::string& error) = 0;  // kept as 'dead'
  // Deletes the dead jobs whose last attempt was due before `before`; returns how many.
  virtual int64_t purge_dead_deliveries(int64_t before) = 0;
  // Gives leased jobs back, due at `next_attempt_at`, without counting an attempt (the
  // worker did not try them: their host already had as many in flight as it may).
  virtual void postpone_deliveries(const std::vector<int64_t>& job_ids,
                                   int64_t next_attempt_at) = 0;
  // How a peer origin ("https://host[:port]") takes our signatures, learnt by the RFC 9421
  // double-knock: "rfc9421" or "cavage", and when that was learnt.
  struct SignatureStyle {
    std::string style;
    int64_t updated_at = 0;
  };
  virtual std::optional<SignatureStyle> signature_style(const std::string& origin) = 0;
  virtual void remember_signature_style(const std::string& origin, const std::string& style,
                                        int64_t now) = 0;
  struct DeliveryCounts {
    int64_t pending = 0;  // jobs waiting or leased
    int64_t dead = 0;
    int64_t fanouts = 0;                    // activities not yet expanded
    int64_t oldest_pending_created_at = 0;  // unix seconds; 0 when nothing is pending
  };
  virtual DeliveryCounts delivery_counts() = 0;
  virtual std::vector<DeliveryJob> list_deliveries(const std::string& state, int limit) = 0;
};

}  // namespace artdag::store
