// /login, /register and /logout: form posts that start and end a browser session (the
// token in an HttpOnly cookie), through the same AuthService as the JSON API.
#include "services/auth_service.h"
#include "util/error.h"
#include "web/web_app.h"

namespace artdag::web {

namespace {
std::string field(const std::map<std::string, std::string>& form, const char* name) {
  auto it = form.find(name);
  return it == form.end() ? "" : it->second;
}

http::Response login_form(Page& page, int status, const Json& values, const Json& errors,
                          const std::string& form_error, const std::string& next) {
  Json view{{"values", values},
            {"errors", errors},
            {"form_error", form_error},
            {"next", next == "/" ? "" : next},
            {"csrf_token", page.csrf_token()}};
  return page.render(status, "login", "Log in", std::move(view));
}

http::Response register_form(Page& page, int status, const Json& values, const Json& errors,
                             const std::string& form_error) {
  Json view{{"values", values},
            {"errors", errors},
            {"form_error", form_error},
            {"csrf_token", page.csrf_token()}};
  return page.render(status, "register", "Register", std::move(view));
}

http::Response show_login(http::Request& req, Page& page) {
  std::string next = safe_next(req.query_param("next").value_or("/"));
  if (page.user()) return page.redirect(next);
  return login_form(page, 200, Json::object(), Json::object(), "", next);
}

http::Response do_login(http::Request& req, Page& page) {
  auto form = page.checked_form();
  std::string username = field(form, "username");
  std::string password = field(form, "password");
  std::string next = safe_next(field(form, "next"));
  Json values{{"username", username}};
  Json errors = Json::object();
  if (username.empty()) errors["username"] = "Enter your username.";
  if (password.empty()) errors["password"] = "Enter your password.";
  if (!errors.empty()) return login_form(page, 422, values, errors, "", next);
  try {
    page.start_session(page.services().auth.login(username, password, req.remote_address));
  } catch (const ApiError& e) {
    if (e.status() != 401 && e.status() != 422) throw;
    return login_form(page, 401, values, Json::object(), "Incorrect username or password.", next);
  }
  return page.redirect(next);
}

http::Response do_register(http::Request& req, Page& page) {
  auto form = page.checked_form();
  std::string username = field(form, "username");
  std::string email = field(form, "email");
  std::string password = field(form, "password");
  Json values{{"username", username}, {"email", email}};
  Json errors = Json::object();
  if (password != field(form, "password_confirm"))
    errors["password_confirm"] = "The two passwords do not match.";
  if (!errors.empty()) {
    try {
      services::AuthService::normalize_username(username);
    } catch (const ApiError& e) {
      errors["username"] = e.detail();
    }
    return register_form(page, 422, values, errors, "");
  }
  try {
    page.start_session(
        page.services().auth.register_user(username, password, email, req.remote_address));
  } catch (const ApiError& e) {
    if (e.status() == 409) {
      errors["username"] = "This username is taken. Choose another one.";
    } else if (e.status() == 422) {
      if (e.field().empty()) return register_form(page, 422, values, errors, e.detail());
      errors[e.field()] = e.detail();
    } else {
      throw;
    }
    return register_form(page, e.status(), values, errors, "");
  }
  return page.redirect(user_href(page.user()->user.username) + "?notice=welcome");
}

http::Response do_logout(http::Request&, Page& page) {
  if (!page.user()) {
    page.end_session();
    return page.redirect("/");
  }
  page.checked_form();
  page.services().auth.logout(*page.user());
  page.end_session();
  return page.redirect("/?notice=logged-out");
}
}  // namespace

void add_account_pages(http::Router& router, const std::shared_ptr<WebApp>& app) {
  router.add("GET", "/login", page_route(app, show_login), http::Cost::kLocalRead);
  router.add("POST", "/login", page_route(app, do_login));
  router.add("GET", "/register",
             page_route(app,
                        [](http::Request&, Page& page) {
                          return register_form(page, 200, Json::object(), Json::object(), "");
                        }),
             http::Cost::kLocalRead);
  router.add("POST", "/register", page_route(app, do_register));
  router.add("POST", "/logout", page_route(app, do_logout));
}

}  // namespace artdag::web
