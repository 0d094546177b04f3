#pragma once
// L1 renderers attached by users.
// Part of the store (store.h composes the areas); implementations are thread-safe and throw
// StoreUnavailable (util/error.h) when the database cannot be reached.
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "store/rows.h"

namespace artdag::store {

class RendererStore {
 public:
  virtual ~RendererStore() = default;

  // L1 renderers attached by users. attach_renderer returns false when the pair was
  // attached already (its attached_at is kept); detach_renderer false when it was not.
  virtual bool attach_renderer(const std::string& username, const std::string& l1_server,
                               const std::string& attached_at) = 0;
  virtual bool detach_renderer(const std::string& username, const std::string& l1_server) = 0;
  // The user's attachments, oldest first.
  virtual std::vector<RendererAttachment> list_renderers(const std::string& username) = 0;
};

}  // namespace artdag::store
