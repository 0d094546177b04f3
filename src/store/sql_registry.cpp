// The federated registry's tables (migration 9): the proof state of remote claims and the
// remote claim logs pinned on first use. Part of the federation area (sql_federation.h).
#include <algorithm>

#include "store/sql_federation.h"

namespace artdag::store::sql::federation {

namespace {

// The columns read_proof reads, in its order.
#define ARTDAG_PROOF_SELECT                                                                 \
  "SELECT activity_id, actor_url, content_hash, json, received_at, log_origin, log_index, " \
  "proven, first_cosigned_at, refuted, last_error, check_attempts, next_check_at FROM "     \
  "remote_claims "
constexpr std::string_view kDueClaims = ARTDAG_PROOF_SELECT
    "WHERE content_hash <> '' AND refuted = '' AND (proven = 0 OR first_cosigned_at IS NULL) "
    "AND next_check_at <= $1 ORDER BY next_check_at, id LIMIT $2";
constexpr std::string_view kClaimsOfHash =
    ARTDAG_PROOF_SELECT "WHERE content_hash = $1 ORDER BY id LIMIT 1000";
#undef ARTDAG_PROOF_SELECT
constexpr std::string_view kSaveProof =
    "UPDATE remote_claims SET log_origin = $2, log_index = $3, proven = $4, "
    "first_cosigned_at = $5, refuted = $6, last_error = $7, check_attempts = $8, "
    "next_check_at = $9 WHERE activity_id = $1";
constexpr std::string_view kFindLog =
    "SELECT server, prefix, origin, log_key, witness_key, pinned_at FROM remote_logs "
    "WHERE server = $1";
constexpr std::string_view kPinLog =
    "INSERT INTO remote_logs (server, prefix, origin, log_key, witness_key, pinned_at) "
    "VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (server) DO NOTHING";
constexpr std::string_view kListLogs =
    "SELECT server, prefix, origin, log_key, witness_key, pinned_at FROM remote_logs "
    "ORDER BY server";

std::optional<int64_t> nullable(const Row& r, int col) {
  if (r.is_null(col)) return std::nullopt;
  return r.int64(col);
}

Param param(const std::optional<int64_t>& value) {
  return value ? Param(*value) : Param(nullptr);
}

RemoteClaimProof read_proof(const Row& r) {
  RemoteClaimProof p;
  p.activity_id = r.str(0);
  p.actor_url = r.str(1);
  p.content_hash = r.str(2);
  p.json = r.str(3);
  p.received_at = r.str(4);
  p.log_origin = r.str(5);
  p.log_index = nullable(r, 6);
  p.proven = r.int64(7) != 0;
  p.first_cosigned_at = nullable(r, 8);
  p.refuted = r.str(9);
  p.last_error = r.str(10);
  p.check_attempts = r.int64(11);
  p.next_check_at = r.int64(12);
  return p;
}

RemoteLog read_log(const Row& r) {
  return {r.str(0), r.str(1), r.str(2), r.str(3), r.str(4), r.int64(5)};
}

std::vector<RemoteClaimProof> read_proofs(Backend& db, std::string_view sql,
                                          std::initializer_list<Param> params) {
  std::vector<RemoteClaimProof> out;
  db.read([&](Conn& c) {
    out.clear();
    c.exec(sql, params, [&](const Row& r) { out.push_back(read_proof(r)); });
  });
  return out;
}

}  // namespace

std::vector<RemoteClaimProof> remote_claims_due(Backend& db, int64_t now, int limit) {
  return read_proofs(db, kDueClaims, {now, static_cast<int64_t>(std::clamp(limit, 0, 1000))});
}

void save_remote_claim_proof(Backend& db, const RemoteClaimProof& p) {
  db.write([&](Conn& c) {
    c.exec(kSaveProof, {p.activity_id, p.log_origin, param(p.log_index),
                        static_cast<int64_t>(p.proven ? 1 : 0), param(p.first_cosigned_at),
                        p.refuted, p.last_error, p.check_attempts, p.next_check_at});
  });
}

std::vector<RemoteClaimProof> remote_claims_of_hash(Backend& db, const std::string& content_hash) {
  return read_proofs(db, kClaimsOfHash, {content_hash});
}

std::optional<RemoteLog> find_remote_log(Backend& db, const std::string& server) {
  std::optional<RemoteLog> out;
  db.read([&](Conn& c) {
    out.reset();
    c.exec(kFindLog, {server}, [&](const Row& r) { out = read_log(r); });
  });
  return out;
}

bool pin_remote_log(Backend& db, const RemoteLog& log) {
  int64_t n = 0;
  db.write([&](Conn& c) {
    n = c.exec(kPinLog,
               {log.server, log.prefix, log.origin, log.log_key, log.witness_key, log.pinned_at});
  });
  return n > 0;
}

std::vector<RemoteLog> list_remote_logs(Backend& db) {
  std::vector<RemoteLog> out;
  db.read([&](Conn& c) {
    out.clear();
    c.exec(kListLogs, {}, [&](const Row& r) { out.push_back(read_log(r)); });
  });
  return out;
}

}  // namespace artdag::store::sql::federation
