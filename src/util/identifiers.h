#pragma once
// The names this server accepts, each rule written once: usernames, asset names and asset
// types. Services validate with them, protocol code parses URLs with them, pages list them.
#include <array>
#include <string_view>

namespace artdag {

// ^[a-z0-9_]{1,30}$ — the only usernames this server issues (compared lower-cased).
bool is_valid_username(std::string_view name);
inline constexpr std::string_view kUsernameRule =
    "Username must be 1-30 characters of a-z, 0-9 and underscore";

// ^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$
bool is_valid_asset_name(std::string_view name);

// 64 lowercase hex characters (a SHA3-256 digest).
bool is_sha3_hex(std::string_view text);

// The asset types, in the order forms list them.
inline constexpr std::array<std::string_view, 7> kAssetTypes = {
    "image", "video", "audio", "effect", "recipe", "infrastructure", "document"};
bool is_asset_type(std::string_view type);
// The ActivityStreams object type of an asset type (Image, Video, Audio, Application, Document).
std::string_view activity_streams_type(std::string_view asset_type);

}  // namespace artdag
