#include "api/routes.h"
#include "util/error.h"

namespace artdag::api {

namespace {
Json token_json(const services::IssuedToken& issued) {
  return Json{{"access_token", issued.access_token},
              {"token_type", "bearer"},
              {"expires_at", issued.expires_at},
              {"username", issued.user.username}};
}

Json user_json(const store::User& user, const activitypub::Uris& uris) {
  Json j{{"username", user.username},
         {"actor_id", uris.actor(user.username)},
         {"created_at", user.created_at}};
  j["email"] = user.email.empty() ? Json(nullptr) : Json(user.email);
  return j;
}

std::string field(const std::map<std::string, std::string>& fields, const char* name) {
  auto it = fields.find(name);
  return it == fields.end() ? "" : it->second;
}
}  // namespace

void add_auth_routes(Router& router, services::Services& services) {
  router.add("POST", "/auth/register", [&services](Request& req) {
    auto fields = fields_body(req);
    auto issued = services.auth.register_user(field(fields, "username"), field(fields, "password"),
                                              field(fields, "email"), req.remote_address);
    return Response::json(201, token_json(issued));
  });

  router.add("POST", "/auth/login", [&services](Request& req) {
    auto fields = fields_body(req);
    auto issued = services.auth.login(field(fields, "username"), field(fields, "password"),
                                      req.remote_address);
    return Response::json(200, token_json(issued));
  });

  router.add("GET", "/auth/me", [&services](Request& req) {
    auto who = require_user(req, services);
    return Response::json(200, user_json(who.user, services.uris));
  });

  router.add("GET", "/users", [&services](Request& req) {
    int page = 0;
    if (auto p = req.query_param("page")) {
      try {
        page = std::stoi(*p);
      } catch (const std::exception&) {
        page = -1;
      }
      if (page < 0 || page > 100000) throw ApiError::bad_request("Bad page");
    }
    const int per_page = 50;
    Json users = Json::array();
    for (const auto& u : services.auth.list_users(per_page, page * per_page))
      users.push_back(Json{{"username", u.username},
                           {"actor_id", services.uris.actor(u.username)},
                           {"created_at", u.created_at}});
    return Response::json(200, Json{{"users", std::move(users)}, {"page", page}});
  });

  router.add("POST", "/auth/logout", [&services](Request& req) {
    auto who = require_user(req, services);
    services.auth.logout(who);
    return Response::json(200, Json{{"detail", "Logged out"}});
  });
}

}  // namespace artdag::api
