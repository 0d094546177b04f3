#pragma once
// The double-knock's memory, shared by deliveries and signed GETs: per peer origin, the HTTP
// signature style it last took (store table peer_signature_styles). RFC 9421 is asked first
// unless the origin refused it within kSignatureStyleRecheckSeconds (peers upgrade).
#include <cstdint>
#include <optional>

#include "store/delivery_store.h"

namespace artdag::services::federation {

enum class SignatureStyle { rfc9421, cavage };
inline constexpr int64_t kSignatureStyleRecheckSeconds = 3 * 24 * 3600;

// What a remembered entry says: rfc9421; cavage while the refusal is recent; nullopt for an
// unknown origin or a stale refusal (knock with RFC 9421 first).
inline std::optional<SignatureStyle> remembered_style(
    const std::optional<store::DeliveryStore::SignatureStyle>& entry, int64_t now) {
  if (!entry) return std::nullopt;
  if (entry->style == "rfc9421") return SignatureStyle::rfc9421;
  if (entry->style == "cavage" && now - entry->updated_at < kSignatureStyleRecheckSeconds)
    return SignatureStyle::cavage;
  return std::nullopt;
}

}  // namespace artdag::services::federation
