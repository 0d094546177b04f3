// What other servers send us: inbox activities (JSON body → parse_inbox_activity, and the
// member shapes the per-type handlers read), remote actor documents and WebFinger JRDs.
// The first input byte picks which.
#include "activitypub/remote_documents.h"
#include "activitypub/uris.h"
#include "crypto/rsa_key.h"
#include "fuzz_common.h"
#include "services/federation/inbox.h"
#include "util/json.h"

namespace {

namespace ap = artdag::activitypub;
using artdag::Json;
using artdag::fuzz::Input;
using artdag::fuzz::returns_or_api_error;

// A body the inbox accepts has the shape every handler relies on: an http(s) actor, an id on
// the actor's origin and a short type; otherwise 400 (JSON) or 422 (shape).
void inbox_activity(std::string_view body) {
  artdag::services::federation::InboxActivity activity;
  if (!returns_or_api_error(
          [&] {
            activity =
                artdag::services::federation::parse_inbox_activity(artdag::parse_json_object(body));
          },
          {400, 422}))
    return;
  FUZZ_CHECK(ap::is_http_url(activity.actor) && ap::is_http_url(activity.id));
  FUZZ_CHECK(ap::url_origin(activity.id) == ap::url_origin(activity.actor));
  FUZZ_CHECK(!activity.type.empty() && activity.type.size() <= 64);
  FUZZ_CHECK(activity.json.is_object() && ap::type_of(activity.json) == activity.type);
  // What the handlers read next: the object (a URL or an object with an id), and whether it
  // names one of our assets or Follows.
  static const ap::Uris uris("https://artdag.example", "artdag.example");
  if (auto object = activity.json.find("object"); object != activity.json.end()) {
    (void)ap::type_of(*object);
    if (auto id = ap::id_of(*object)) {
      (void)uris.content_hash_from_object(*id);
      (void)uris.index_from_activity(*id);
      (void)uris.username_from_user_activity(*id, "follows");
      (void)uris.username_from_actor(*id);
    }
  }
}

// A remote actor document, checked against the URL it claims (its own id when it is a
// string, so inputs can pass): either a reason, or an actor whose every field is usable.
void actor_document(std::string_view body) {
  Json doc;  // fetched documents are read with parse_json_object, as the resolver does
  if (!returns_or_api_error([&] { doc = artdag::parse_json_object(body); }, {400})) return;
  std::string fetched_url = "https://remote.example/users/bob";
  if (doc.is_object()) {
    if (auto id = doc.find("id"); id != doc.end() && id->is_string())
      fetched_url = id->get<std::string>();
  }
  auto actor = ap::read_actor_document(doc, fetched_url);
  if (!actor) {
    FUZZ_CHECK(!actor.error.empty());
    return;
  }
  const ap::ActorDocument& a = *actor.value;
  FUZZ_CHECK(a.id == fetched_url && ap::is_http_url(a.id) && ap::is_http_url(a.inbox));
  FUZZ_CHECK(a.shared_inbox.empty() || ap::is_http_url(a.shared_inbox));
  FUZZ_CHECK(ap::url_origin(a.key_id) == ap::url_origin(a.id));
  FUZZ_CHECK(a.public_key_pem.size() <= ap::kMaxRemotePemLength);
  FUZZ_CHECK(a.preferred_username.size() <= 256);
  (void)artdag::crypto::RsaKey::from_public_pem(a.public_key_pem);  // throws: contract broken
}

// A JRD's self link, when there is one, is an http(s) URL.
void jrd(std::string_view body) {
  Json doc;  // fetched documents are read with parse_json_object, as the resolver does
  if (!returns_or_api_error([&] { doc = artdag::parse_json_object(body); }, {400})) return;
  if (auto link = ap::jrd_self_link(doc)) FUZZ_CHECK(ap::is_http_url(*link));
  (void)ap::id_of(doc);
  (void)ap::type_of(doc);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  const Input input = Input::from(data, size);
  switch (input.selector % 3) {
    case 0:
      inbox_activity(input.rest);
      break;
    case 1:
      actor_document(input.rest);
      break;
    case 2:
      jrd(input.rest);
      break;
  }
  return 0;
}
