// Announce (boost, share) of a local asset: counted on the asset, once per actor. Announces
// of anything else are ignored: this server keeps no timeline.
#include "services/federation/inbox/handlers.h"

namespace artdag::services::federation::inbox {

InboxResult handle_announce(const Context& ctx, const InboxActivity& activity) {
  return record_reaction(ctx, activity);
}

}  // namespace artdag::services::federation::inbox
