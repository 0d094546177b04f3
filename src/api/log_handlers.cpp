// The claim log over HTTP (docs/protocol.md "The claim log"): the checkpoint, the verifier
// key, C2SP tiles and entry bundles, tlog-proofs. Not in the response cache: the checkpoint
// moves without a write by this process, and the rest is cheap or cacheable by clients.
#include "api/routes.h"
#include "tlog/note.h"
#include "util/error.h"
#include "util/paging.h"
#include "util/time.h"

namespace artdag::api {

namespace {
Response note_text(std::string body, const char* cache_control) {
  auto res = Response::text(200, std::move(body));
  res.set_header("Cache-Control", cache_control);
  res.set_header("Access-Control-Allow-Origin", "*");
  return res;
}
}  // namespace

void add_log_routes(Router& router, services::Services& services) {
  auto& log = services.claim_log;

  router.add("GET", "/log/checkpoint",
             [&log](Request&) { return note_text(log.checkpoint(), "max-age=1"); });
  router.add("GET", "/log/key", [&log](Request&) {
    return note_text(log.identity().verifier_key + "\n", "max-age=86400");
  });
  router.add("GET", "/log/tile/{path*}", [&log](Request& req) {
    auto tile = log.tile(req.param("path"));
    auto res = Response::text(200, std::move(tile.bytes), "application/octet-stream");
    res.set_header("Cache-Control",
                   tile.immutable ? "public, max-age=31536000, immutable" : "public, max-age=1");
    res.set_header("Access-Control-Allow-Origin", "*");
    return res;
  });
  // The witness (c2sp.org/tlog-witness): any Content-Type, the body bounded by the parser.
  router.add("GET", "/log/witness/key", [&log](Request&) {
    return note_text(log.identity().witness_verifier_key + "\n", "max-age=86400");
  });
  router.add("POST", "/log/witness/add-checkpoint", [&services](Request& req) {
    auto answer = services.witness.add_checkpoint(req.body, unix_now());
    auto res = Response::text(answer.status, std::move(answer.body), answer.content_type);
    res.set_header("Cache-Control", "no-store");
    return res;
  });
  router.add("GET", "/log/evidence/{index}", [&log](Request& req) {
    auto index = parse_whole_number(req.param("index"), 0);
    if (!index) throw ApiError::not_found("No such entry");
    return note_text(log.evidence(*index), "max-age=5");
  });
  router.add("GET", "/log/evidence", [&log](Request& req) {
    auto id = req.query_param("id");
    if (!id || id->empty())
      throw ApiError::bad_request("Name the activity: /log/evidence?id=<activity id>");
    return note_text(log.evidence_for_id(*id), "max-age=5");
  });
  router.add("GET", "/log/proof/{index}", [&log](Request& req) {
    auto index = parse_whole_number(req.param("index"), 0);
    if (!index) throw ApiError::not_found("No such entry");
    return note_text(log.proof(*index), "max-age=1");
  });
  router.add("GET", "/log/proof", [&log](Request& req) {
    auto id = req.query_param("id");
    if (!id || id->empty())
      throw ApiError::bad_request("Name the activity: /log/proof?id=<activity id>");
    return note_text(log.proof_for_id(*id), "max-age=1");
  });
  // The federated registry: every known claim of a hash and the verdict. Not cached: the
  // background prover changes it without a request.
  router.add("GET", "/claims/{content_hash}", [&services](Request& req) {
    Json claims = Json::array();
    for (const auto& claim : services.claims.claims_of(req.param("content_hash")))
      claims.push_back(services::claim_log::claim_json(claim));
    Json witnesses = Json::array();
    for (const auto& key : services.claims.trusted_witnesses())
      witnesses.push_back(tlog::format_verifier_key(key));
    auto res = Response::json(
        200, Json{{"claims", std::move(claims)}, {"witnesses", std::move(witnesses)}});
    res.set_header("Access-Control-Allow-Origin", "*");
    return res;
  });
}

}  // namespace artdag::api
