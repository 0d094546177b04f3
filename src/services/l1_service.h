#pragma once
// L1 render servers (docs/protocol.md "L1 integration"): recording a completed L1 run as an owned
// asset with its provenance, answering token checks from L1 servers (POST /auth/verify), and
// the renderers users attach to.
//
// Only servers in L1_SERVERS are ever contacted or vouched for: every entry point normalises
// the URL it is given (util/url.h) and refuses, with 403, one that is not configured, before
// anything else happens. The run fetch goes through net::HttpClient with the same outbound
// rules as federation (private addresses only when ARTDAG_ALLOW_PRIVATE_NETWORKS names them),
// no redirects, 10 s and 1 MiB at most.
#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "activitypub/uris.h"
#include "config/config.h"
#include "net/http_client.h"
#include "services/auth_service.h"
#include "services/registry_service.h"
#include "store/store.h"
#include "util/json.h"

namespace artdag::services {

// A run as L1 reported it, after validation (parse_run).
struct L1Run {
  std::string run_id;
  std::string recipe;
  std::vector<std::string> inputs;  // SHA3-256 hashes
  std::string output_hash;
  std::string output_ipfs_cid;  // empty when L1 gave none
  std::string asset_type;       // one of the registry's asset types
  std::string username;         // lower case
  std::string completed_at;     // empty when L1 gave none
};

// One line of the renderers list.
struct RendererEntry {
  std::string l1_server;    // normalised URL
  bool configured = false;  // in L1_SERVERS now (false: an attachment left over from before)
  bool attached = false;    // the user has attached it
  std::string attached_at;  // ISO 8601 UTC; empty when not attached
};

// The answer to an L1 server's token check.
struct VerifiedToken {
  std::string username;
  std::string actor_id;
};

class L1Service {
 public:
  static constexpr std::chrono::milliseconds kFetchTimeout{10000};
  static constexpr std::size_t kMaxRunBytes = 1024 * 1024;
  static constexpr std::size_t kMaxRunIdLength = 128;
  static constexpr std::size_t kMaxRecipeLength = 1024;
  static constexpr std::size_t kMaxInputs = 256;
  static constexpr std::size_t kMaxCompletedAtLength = 64;

  L1Service(const Config& config, store::Store& store, RegistryService& registry, AuthService& auth,
            const activitypub::Uris& uris);

  // L1_SERVERS, normalised, in configuration order.
  const std::vector<std::string>& servers() const { return servers_; }
  // The configured entry `url` names after normalising, or nullopt.
  std::optional<std::string> configured_server(std::string_view url) const;
  // As configured_server(); ApiError 403 when `url` is not a configured L1 server.
  std::string require_configured(std::string_view url) const;

  // POST /assets/record-run for `username`: checks the server (403) and the run id and name
  // (422) before any request leaves, refuses a run recorded already (409), fetches the run,
  // validates it (parse_run) and registers its output through RegistryService::register_asset
  // with the provenance. Throws ApiError: 403 / 404 / 409 / 422 / 502 as docs/protocol.md says.
  RegisteredAsset record_run(const std::string& username, std::string_view l1_server,
                             std::string_view run_id, std::string_view output_name);

  // 1-128 printable ASCII characters, not "." or ".." (it becomes one path segment, percent-
  // encoded); ApiError 422 otherwise.
  static void validate_run_id(std::string_view run_id);
  // Checks L1's run document (a JSON object) for `expected_user`, in this order: the run must
  // be the one asked for (502 otherwise) and name `expected_user` (403); its status must be
  // a string (502) equal to "completed" (409 saying the status); then output_hash (SHA3-256),
  // inputs (a list of hashes), recipe (a string), output_type, output_ipfs_cid and
  // completed_at must be well formed (422 naming the field).
  static L1Run parse_run(const Json& run, std::string_view requested_run_id,
                         std::string_view expected_user);
  // output_type → asset type: absent/null → "video"; an asset type name; or a MIME type
  // image/*, video/*, audio/*. nullopt for anything else.
  static std::optional<std::string> asset_type_for(const Json& output_type);
  // The provenance stored with the asset and signed into its object:
  // {l1_server, run_id, recipe, inputs[, completed_at]}. Strings and lists only, no numbers.
  static Json provenance_json(const L1Run& run, const std::string& l1_server);

  // POST /auth/verify: `l1_server` must be configured (403, checked first so unlisted callers
  // learn nothing about tokens), then the token must be an unused L1 token for that server
  // (401: missing, bad, expired, revoked, used, a session token, another audience).
  VerifiedToken verify_token(std::string_view l1_server, const std::optional<std::string>& token);

  // Every configured server with the user's attachment state (nullopt: anonymous, nothing
  // attached), followed by attachments to servers no longer configured, so they can be
  // detached.
  std::vector<RendererEntry> list_for_user(const std::optional<std::string>& username);
  // Records the attachment (idempotent; the first attached_at is kept) and returns where to
  // send the browser: {l1}/auth?auth_token=<a token of the L1's own, URL-encoded>
  // (AuthService::issue_l1_token: 5 minutes, single use, for that L1, only for
  // /auth/verify). 403 unless configured.
  std::string attach(const std::string& username, std::string_view l1_server);
  // Removes the attachment; true when there was one. A server that is neither configured
  // nor attached is 403; one that is only attached (removed from L1_SERVERS since) may be
  // detached. 422 when `l1_server` is not a server URL.
  bool detach(const std::string& username, std::string_view l1_server);
  // {l1}/auth?auth_token=<token URL-encoded>.
  static std::string auth_redirect(const std::string& l1_server, std::string_view token);

 private:
  // GET {l1}/runs/{run_id} → the JSON object L1 answered; ApiError 404 / 502.
  Json fetch_run(const std::string& l1_server, std::string_view run_id) const;

  std::vector<std::string> servers_;
  store::Store& store_;
  RegistryService& registry_;
  AuthService& auth_;
  const activitypub::Uris& uris_;
  net::HttpClient client_;
};

}  // namespace artdag::services
