// Like of a local asset (its object or its Create): counted on the asset, once per actor.
#include "services/federation/inbox/handlers.h"

namespace artdag::services::federation::inbox {

InboxResult handle_like(const Context& ctx, const InboxActivity& activity) {
  return record_reaction(ctx, activity);
}

}  // namespace artdag::services::federation::inbox
