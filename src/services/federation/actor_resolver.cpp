#include "services/federation/actor_resolver.h"

#include <spdlog/spdlog.h>

#include <boost/url/parse.hpp>

#include "activitypub/multikey.h"
#include "activitypub/remote_documents.h"
#include "services/federation/signature_style.h"
#include "util/error.h"
#include "util/json.h"
#include "util/metrics.h"
#include "util/time.h"
#include "util/url.h"

namespace artdag::services::federation {

namespace {

constexpr const char* kActivityAccept =
    "application/activity+json, application/ld+json; "
    "profile=\"https://www.w3.org/ns/activitystreams\"";
constexpr std::size_t kMaxActorUrls = 8 * 1024;      // id, inbox, shared inbox, key id
constexpr std::size_t kMaxPublicKeyPem = 16 * 1024;  // RSA-8192 is ~1.5 KiB
constexpr std::size_t kMaxName = 256;
constexpr const char* kJrdAccept = "application/jrd+json, application/json";

bool is_redirect(long status) {
  return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
}

bool is_json_media(const std::string& type) {
  return type == "application/activity+json" || type == "application/ld+json" ||
         type == "application/json" || type == "application/jrd+json";
}

ResolveError from_fetch_error(const net::FetchError& e, const std::string& url) {
  using Kind = net::FetchError::Kind;
  switch (e.kind()) {
    case Kind::kForbiddenAddress:
      return {ResolveError::Kind::kForbidden,
              "the host resolves to a private or loopback address this server may not reach"};
    case Kind::kBadUrl:
      return {ResolveError::Kind::kInvalid, std::string("bad URL: ") + e.what()};
    case Kind::kTooLarge:
      return {ResolveError::Kind::kInvalid, "the answer is larger than 1 MiB"};
    case Kind::kTimeout:
      return {ResolveError::Kind::kUnreachable, "timed out fetching " + url};
    default:
      return {ResolveError::Kind::kUnreachable, "could not fetch " + url + ": " + e.what()};
  }
}

Json parse_document(const net::HttpResponse& response, const char* what) {
  if (!is_json_media(response.media_type()))
    throw ResolveError(ResolveError::Kind::kInvalid,
                       std::string(what) + " is not JSON (Content-Type " +
                           (response.media_type().empty() ? "missing" : response.media_type()) +
                           ")");
  try {
    return parse_json_object(response.body);
  } catch (const ApiError&) {
    throw ResolveError(ResolveError::Kind::kInvalid, std::string(what) + " is not a JSON object");
  }
}

}  // namespace

ActorResolver::ActorResolver(store::Store& store, Transport transport, GetSigner signer,
                             ResolverOptions options)
    : store_(store),
      transport_(std::move(transport)),
      signer_(std::move(signer)),
      options_(std::move(options)) {}

int64_t ActorResolver::now() const {
  return options_.clock ? options_.clock() : unix_now();
}

std::optional<store::RemoteActor> ActorResolver::cached(const std::string& actor_url) {
  return store_.find_remote_actor(actor_url);
}

bool ActorResolver::may_refetch(const store::RemoteActor& actor) const {
  return now() - actor.fetched_at >= options_.min_refetch_interval_seconds;
}

store::RemoteActor ActorResolver::get(const std::string& actor_url) {
  if (auto actor = cached(actor_url)) return *actor;
  return fetch(actor_url);
}

store::RemoteActor ActorResolver::fetch(const std::string& actor_url) {
  auto actor = fetch_checked(actor_url, true, std::chrono::steady_clock::now() + options_.timeout);
  remember(actor);
  return actor;
}

store::RemoteActor ActorResolver::fetch_unstored(const std::string& actor_url,
                                                 std::chrono::milliseconds timeout) {
  return fetch_checked(actor_url, true,
                       std::chrono::steady_clock::now() + std::min(timeout, options_.timeout));
}

void ActorResolver::remember(const store::RemoteActor& actor) {
  store_.upsert_remote_actor(actor);
}

ActorResolver::Fetched ActorResolver::get_following_redirects(const std::string& start_url,
                                                              const std::string& accept, bool sign,
                                                              Deadline deadline) {
  std::string url = start_url;
  for (int hop = 0;; ++hop) {
    auto remaining = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (remaining.count() <= 0)
      throw ResolveError(ResolveError::Kind::kUnreachable, "timed out fetching " + start_url);
    net::RequestOptions request_options;
    request_options.timeout = remaining;
    request_options.max_response_bytes = options_.max_response_bytes;
    request_options.max_redirects = 0;
    const bool signed_get = sign && signer_;
    const auto origin = activitypub::url_origin(url);
    const bool knocks = signed_get && options_.rfc9421 && origin;
    const auto known =
        knocks ? remembered_style(store_.signature_style(*origin), now()) : std::nullopt;
    bool rfc9421 = knocks && known != SignatureStyle::cavage;
    net::HttpResponse response;
    for (;;) {
      net::HeaderList headers{{"Accept", accept}};
      if (signed_get) {
        for (auto& h : signer_(url, rfc9421)) headers.push_back(std::move(h));
      }
      try {
        response = transport_(url, headers, request_options);
      } catch (const net::FetchError& e) {
        const auto kind = e.kind();
        metrics::fetch_done(kind == net::FetchError::Kind::kForbiddenAddress ||
                                    kind == net::FetchError::Kind::kBadUrl
                                ? "refused"
                                : "error");
        throw from_fetch_error(e, url);
      }
      metrics::fetch_done(response.status < 400 ? "ok" : "http_error");
      if (!knocks || !rfc9421) break;
      if (response.status == 400 || response.status == 401) {
        // The double-knock: at once again with draft-cavage.
        store_.remember_signature_style(*origin, "cavage", now());
        rfc9421 = false;
        continue;
      }
      if (response.status < 400 && known != SignatureStyle::rfc9421)
        store_.remember_signature_style(*origin, "rfc9421", now());
      break;
    }
    if (!is_redirect(response.status)) return {std::move(response), url};
    if (hop >= options_.max_redirects)
      throw ResolveError(ResolveError::Kind::kInvalid, "too many redirects from " + start_url);
    auto next = activitypub::resolve_url(url, response.header("location"));
    if (!next) throw ResolveError(ResolveError::Kind::kInvalid, "bad redirect from " + url);
    if (url.rfind("https:", 0) == 0 && next->rfind("https:", 0) != 0)
      throw ResolveError(ResolveError::Kind::kInvalid, "refused a redirect from https to http");
    url = *next;
  }
}

store::RemoteActor ActorResolver::fetch_checked(const std::string& actor_url, bool may_follow_id,
                                                Deadline deadline) {
  if (!activitypub::is_http_url(actor_url))
    throw ResolveError(ResolveError::Kind::kInvalid, "an actor id must be an http(s) URL");
  auto fetched = get_following_redirects(actor_url, kActivityAccept, true, deadline);
  const long status = fetched.response.status;
  if (status == 404 || status == 410)
    throw ResolveError(ResolveError::Kind::kGone,
                       "the actor is gone (HTTP " + std::to_string(status) + ")");
  if (status != 200)
    throw ResolveError(ResolveError::Kind::kUnreachable,
                       "fetching the actor answered HTTP " + std::to_string(status));
  Json doc = parse_document(fetched.response, "the actor document");
  auto checked = activitypub::read_actor_document(doc, fetched.url);
  if (!checked) {
    // An actor served under another URL of its own host (e.g. /@name for /users/name): read
    // it from its id once.
    auto id = doc.find("id");
    if (may_follow_id && id != doc.end() && id->is_string() &&
        id->get_ref<const std::string&>() != fetched.url &&
        activitypub::url_origin(id->get_ref<const std::string&>()) ==
            activitypub::url_origin(fetched.url))
      return fetch_checked(id->get<std::string>(), false, deadline);
    throw ResolveError(ResolveError::Kind::kInvalid, checked.error);
  }
  auto a = *checked.value;
  // Deliveries go to the inbox: it must be on the actor's own host, so N actors of one
  // domain cannot point every Create at a victim. A shared inbox elsewhere is ignored.
  const auto origin = activitypub::url_origin(a.id);
  if (activitypub::url_origin(a.inbox) != origin)
    throw ResolveError(ResolveError::Kind::kInvalid, "the actor's inbox is not on its own host");
  if (!a.shared_inbox.empty() && activitypub::url_origin(a.shared_inbox) != origin)
    a.shared_inbox.clear();
  // Only what is used is kept (not the document, which may be 1 MiB of anything).
  if (a.id.size() + a.inbox.size() + a.shared_inbox.size() + a.key_id.size() > kMaxActorUrls ||
      a.public_key_pem.size() > kMaxPublicKeyPem || a.preferred_username.size() > kMaxName)
    throw ResolveError(ResolveError::Kind::kInvalid, "the actor document's fields are too long");
  Json kept{{"id", a.id},
            {"inbox", a.inbox},
            {"publicKey", {{"id", a.key_id}, {"owner", a.id}, {"publicKeyPem", a.public_key_pem}}}};
  if (auto type = doc.find("type"); type != doc.end() && type->is_string() &&
                                    type->get_ref<const std::string&>().size() <= kMaxName)
    kept["type"] = *type;
  if (!a.shared_inbox.empty()) kept["endpoints"] = {{"sharedInbox", a.shared_inbox}};
  if (!a.preferred_username.empty()) kept["preferredUsername"] = a.preferred_username;
  // The actor's own Ed25519 keys (FEP-521a): what its proofs and RFC 9421 ed25519
  // signatures are checked with.
  Json assertion_keys = Json::array();
  for (const auto& key : activitypub::ed25519_assertion_keys(doc)) {
    if (activitypub::without_fragment(key.id) != a.id || key.id.size() > kMaxActorUrls) continue;
    assertion_keys.push_back(
        {{"id", key.id},
         {"type", "Multikey"},
         {"controller", a.id},
         {"publicKeyMultibase", activitypub::ed25519_public_key_multibase(key.key)}});
  }
  if (!assertion_keys.empty()) kept["assertionMethod"] = std::move(assertion_keys);
  if (auto name = doc.find("name"); name != doc.end() && name->is_string() &&
                                    name->get_ref<const std::string&>().size() <= kMaxName)
    kept["name"] = *name;
  return store::RemoteActor{
      a.id,          a.inbox, a.shared_inbox, a.key_id, a.public_key_pem, a.preferred_username,
      to_wire(kept), now()};
}

bool ActorResolver::plain_http_allowed(std::string_view host) const {
  auto authority = boost::urls::parse_authority(host);
  if (!authority) return false;
  std::string address(authority->host_address());
  if (address.size() > 2 && address.front() == '[') address = address.substr(1, address.size() - 2);
  auto ip = parse_ip(address);
  if (!ip || !is_non_public(*ip)) return false;
  for (const auto& cidr : options_.allow_private)
    if (cidr.contains(*ip)) return true;
  return false;
}

std::string ActorResolver::webfinger(const activitypub::AcctAddress& account) {
  const std::string path = "/.well-known/webfinger?resource=" + encode_query_value(account.uri());
  std::vector<std::string> schemes{"https"};
  if (plain_http_allowed(account.host)) schemes.emplace_back("http");
  std::optional<Fetched> fetched;
  for (std::size_t i = 0; i < schemes.size(); ++i) {
    try {
      fetched = get_following_redirects(schemes[i] + "://" + account.host + path, kJrdAccept, false,
                                        std::chrono::steady_clock::now() + options_.timeout);
      break;
    } catch (const ResolveError& e) {
      if (e.kind() != ResolveError::Kind::kUnreachable || i + 1 == schemes.size()) throw;
      spdlog::debug("webfinger over {} failed for {} ({}); trying {}", schemes[i], account.host,
                    e.what(), schemes[i + 1]);
    }
  }
  const long status = fetched->response.status;
  if (status == 404 || status == 410)
    throw ResolveError(ResolveError::Kind::kGone, "no account " + account.uri());
  if (status != 200)
    throw ResolveError(ResolveError::Kind::kUnreachable,
                       "WebFinger answered HTTP " + std::to_string(status));
  Json jrd = parse_document(fetched->response, "the WebFinger answer");
  auto self = activitypub::jrd_self_link(jrd);
  if (!self)
    throw ResolveError(ResolveError::Kind::kInvalid,
                       "the WebFinger answer has no ActivityPub self link");
  return *self;
}

}  // namespace artdag::services::federation
