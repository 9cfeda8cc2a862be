"""The object permission matrix: one row per URL, the expected status per role and method.

Columns, in this order (see tests/security/world.py for who is who):

    anon    not signed in
    normal  a normal account
    plus    a Plus account
    owner   the developer who owns the plugins, threads and submissions in the URLs
    other   another developer
    tester  a developer invited to test the owner's unverified plugin
    rev     a reviewer (staff in the Reviewers group)
    staff   staff without the Reviewers group

Statuses: 200 400 403 404 405 as such; ``302`` a redirect elsewhere than a login page; ``LOG``
a redirect to the site's sign-in (/accounts/login/); ``ADM`` a redirect to the admin's sign-in
(/admin/login/). ``a|b`` accepts either.

URL arguments name objects of the world: ``"unverified"`` is its pk, ``"approved.slug"`` an
attribute, ``"=ban"`` the literal string; in POST data, ``"@unverified"`` is its pk. Unless a
row says otherwise, the objects belong to the owner.
"""

from dataclasses import dataclass, field

from tests.security.world import ROLES


@dataclass(frozen=True)
class Row:
    name: str
    args: dict
    get: str
    post: str
    data: dict = field(default_factory=dict)
    note: str = ""
    query: str = ""

    def expected(self, method: str) -> dict[str, set[str]]:
        tokens = (self.get if method == "GET" else self.post).split()
        assert len(tokens) == len(ROLES), f"{self.name}: {len(tokens)} columns, not {len(ROLES)}"
        return {role: set(token.split("|")) for role, token in zip(ROLES, tokens, strict=True)}


def R(name, args=None, *, get, post, data=None, note="", query=""):
    return Row(name, args or {}, get, post, data or {}, note, query)


# Shorthands for the URL arguments.
U = {"plugin_id": "unverified"}
A_SLUG = {"slug": "approved.slug"}
U_SLUG = {"slug": "unverified.slug"}
B_SLUG = {"slug": "banned.slug"}


def _admin(model, obj, *, rev, rev_post, staff="403"):
    """The five standard admin pages of one of our models: changelist, add, change, history,
    delete. Non-staff are sent to the admin's sign-in; staff without rights get 403; ``rev``
    and ``rev_post`` give the reviewer's status on each of the five pages."""
    everyone_else = "ADM ADM ADM ADM ADM ADM"
    rows = []
    for page, args, r_get, r_post in zip(
        ("changelist", "add", "change", "history", "delete"),
        ({}, {}, {"object_id": obj}, {"object_id": obj}, {"object_id": obj}),
        rev.split(),
        rev_post.split(),
        strict=True,
    ):
        rows.append(
            R(
                f"admin:{model}_{page}",
                args,
                get=f"{everyone_else} {r_get} {staff}",
                post=f"{everyone_else} {r_post} {staff}",
                # A delete page deletes on a POST that confirms.
                data={"post": "yes"} if page == "delete" else None,
            )
        )
    return rows


# fmt: off
SITE_ROWS = [
    #                                          anon normal plus owner other tester rev  staff
    R("home", get=                            "302  302    302  302   302   302    302  302",
              post=                           "302  302    302  302   302   302    302  302"),
    R("healthz", get=                         "200  200    200  200   200   200    200  200",
                 post=                        "405  405    405  405   405   405    405  405"),
    R("profile", get=                         "LOG  200    200  200   200   200    200  200",
                 post=                        "LOG  302    302  302   302   302    302  302",
      data={"display_name": "Renamed"}),
    R("upgrade", get=                         "LOG  200    302  302   302   302    200  200",
                 post=                        "LOG  302    302  302   302   302    302  302"),
    R("developer_access", get=                "LOG  405    405  405   405   405    405  405",
                          post=               "LOG  302    302  302   302   302    302  302",
      data={"reason": "I build weather tools."}),
    # The store
    R("store:list", get=                      "200  200    200  200   200   200    200  200",
                    post=                     "405  405    405  405   405   405    405  405"),
    R("store:list", query="q=weather+forecasts", get=
                                              "200  200    200  200   200   200    200  200",
                    post=                     "405  405    405  405   405   405    405  405",
      note="a search matching every plugin lists no unverified one (their names are markers)"),
    R("store:installed", get=                 "LOG  200    200  200   200   200    200  200",
                         post=                "LOG  405    405  405   405   405    405  405"),
    R("store:detail", A_SLUG, get=            "200  200    200  200   200   200    200  200",
                              post=           "405  405    405  405   405   405    405  405"),
    R("store:detail", U_SLUG, get=            "404  404    404  200   404   200    200  404",
                              post=           "405  405    405  405   405   405    405  405"),
    R("store:detail", B_SLUG, get=            "404  404    200  200   404   404    200  404",
                              post=           "405  405    405  405   405   405    405  405",
      note="banned: its owner, reviewers and those who had installed it (plus) see it"),
    R("store:install", A_SLUG, get=           "LOG  405    405  405   405   405    405  405",
                               post=          "LOG  302    302  302   302   302    302  302"),
    R("store:install", U_SLUG, get=           "LOG  405    405  405   405   405    405  405",
                               post=          "LOG  404    404  302   404   302    302  404"),
    R("store:uninstall", A_SLUG, get=         "LOG  405    405  405   405   405    405  405",
                                 post=        "LOG  302    302  302   302   302    302  302"),
    R("store:uninstall", B_SLUG, get=         "LOG  405    405  405   405   405    405  405",
                                 post=        "LOG  404    302  302   404   404    302  404"),
    R("store:uninstall", U_SLUG, get=         "LOG  405    405  405   405   405    405  405",
                                 post=        "LOG  404    404  302   404   302    302  404"),
    # Developer pages: developers only; someone else's plugin is a 404.
    R("developer:plugins", get=               "LOG  403    403  200   200   200    403  403",
                           post=              "LOG  403    403  400   400   400    403  403",
      data={"target": "", "category": ""}),
    R("developer:job", {"job_id": "job"}, get="LOG  403    403  200   404   404    403  403",
                                          post="LOG 403    403  405   405   405    403  403"),
    R("developer:plugin", U, get=             "LOG  403    403  200   404   404    403  403",
                             post=            "LOG  403    403  405   405   405    403  403"),
    R("developer:plugin", {"plugin_id": "other_plugin"},
                             get=             "LOG  403    403  404   200   404    403  403",
                             post=            "LOG  403    403  405   405   405    403  403",
      note="the other developer's plugin: the owner gets a 404"),
    R("developer:version", {**U, "number": "version.number"},
                             get=             "LOG  403    403  200   404   404    403  403",
                             post=            "LOG  403    403  405   405   405    403  403"),
    R("developer:refresh", U, get=            "LOG  403    403  405   405   405    403  403",
                              post=           "LOG  403    403  302   404   404    403  403"),
    R("developer:category", U, get=           "LOG  403    403  405   405   405    403  403",
                               post=          "LOG  403    403  302   404   404    403  403",
      data={"category": "computation"}),
    R("developer:withdraw", {**U, "submission_id": "submission"},
                              get=            "LOG  403    403  405   405   405    403  403",
                              post=           "LOG  403    403  302   404   404    403  403"),
    R("developer:withdraw", {"plugin_id": "unverified", "submission_id": "other_submission"},
                              get=            "LOG  403    403  405   405   405    403  403",
                              post=           "LOG  403    403  404   404   404    403  403",
      note="another plugin's submission through the owner's plugin URL"),
    R("developer:tester_invite", U, get=      "LOG  403    403  405   405   405    403  403",
                                    post=     "LOG  403    403  302   404   404    403  403",
      data={"email": "nobody@example.com"}),
    R("developer:tester_remove", {**U, "invitation_id": "invitation"},
                                    get=      "LOG  403    403  405   405   405    403  403",
                                    post=     "LOG  403    403  302   404   404    403  403"),
    # The plugin's Domain page (domains): its owner only.
    R("developer:domain", U, get=             "LOG  403    403  200   404   404    403  403",
                             post=            "LOG  403    403  405   405   405    403  403"),
    R("developer:domain_check", U, get=       "LOG  403    403  405   405   405    403  403",
                                   post=      "LOG  403    403  302   404   404    403  403"),
    # Help > Messages: only the thread's owner sees it.
    R("help:messages", get=                   "LOG  200    200  200   200   200    200  200",
                       post=                  "LOG  405    405  405   405   405    405  405"),
    R("help:mark_all_read", get=              "LOG  405    405  405   405   405    405  405",
                            post=             "LOG  302    302  302   302   302    302  302"),
    R("help:thread", {"thread_id": "thread"}, get="LOG 404 404  200   404   404    404  404",
                                              post="LOG 405 405 405   405   405    405  405"),
    R("help:reply", {"thread_id": "thread"}, get="LOG 405  405  405   405   405    405  405",
                                             post="LOG 404 404  302   404   404    404  404",
      data={"body": "A question."}),
]

# The submission bot (/help/submit/): developers use it, signed-in others get a 403 page that
# explains how to become one. Add a row per bot URL here if it grows more.
BOT_ROWS = [
    #                                          anon normal plus owner other tester rev  staff
    R("help:submit", get=                     "LOG  403    403  200   200   200    403  403",
                     post=                    "LOG  403    403  302   302   302    403  403",
      data={"step": "pick", "action": "continue", "plugin": "@unverified"}),
]

# API tokens (the api app): developers make them; anyone revokes only their own.
TOKEN_ROWS = [
    #                                          anon normal plus owner other tester rev  staff
    R("api_tokens", get=                      "LOG  403    403  200   200   200    403  403",
                    post=                     "LOG  403    403  400   400   400    403  403",
      data={"name": "", "scope": "publish", "expires_in_days": "30"},
      note="no name: refused on the form (a created token's page is a 201, tests/api)"),
    R("api_token_revoke", {"token_id": "token"},
                    get=                      "LOG  405    405  405   405   405    405  405",
                    post=                     "LOG  404    404  302   404   404    404  404"),
]

# The developer API (/api/v1/): a session cookie opens nothing (bearer tokens only, so its
# views are CSRF-exempt); tests/security/test_api_tokens.py runs these rows with each role's
# token. The OpenAPI document and its docs page are public.
AJ = {"job_id": "job"}
AS = {"submission_id": "submission"}
AT = {"thread_id": "thread"}
API_ROWS = [
    #                                          anon normal plus owner other tester rev  staff
    R("api:openapi-json", get=                "200  200    200  200   200   200    200  200",
                          post=               "405  405    405  405   405   405    405  405"),
    R("api:openapi-view", get=                "200  200    200  200   200   200    200  200",
                          post=               "405  405    405  405   405   405    405  405"),
    R("api:api-root", get=                    "404  404    404  404   404   404    404  404",
                      post=                   "404  404    404  404   404   404    404  404"),
    R("api:not_found", {"rest": "=nothing/here"}, get=
                                              "404  404    404  404   404   404    404  404",
                      post=                   "404  404    404  404   404   404    404  404"),
    R("api:plugins", get=                     "401  401    401  401   401   401    401  401",
                     post=                    "401  401    401  401   401   401    401  401"),
    R("api:register", get=                    "401  401    401  401   401   401    401  401",
                      post=                   "401  401    401  401   401   401    401  401",
      data={"target": "new.example.com", "category": "retrieval"}),
    R("api:plugin", U, get=                   "401  401    401  401   401   401    401  401",
                       post=                  "405  405    405  405   405   405    405  405"),
    R("api:refresh", U, get=                  "405  405    405  405   405   405    405  405",
                        post=                 "401  401    401  401   401   401    401  401"),
    R("api:domain", U, get=                   "401  401    401  401   401   401    401  401",
                       post=                  "405  405    405  405   405   405    405  405"),
    R("api:verify_domain", U, get=            "405  405    405  405   405   405    405  405",
                              post=           "401  401    401  401   401   401    401  401"),
    R("api:submissions", U, get=              "401  401    401  401   401   401    401  401",
                            post=             "401  401    401  401   401   401    401  401"),
    R("api:submit", U, get=                   "401  401    401  401   401   401    401  401",
                       post=                  "401  401    401  401   401   401    401  401",
      data={"confirmed_criteria": ["C1", "C2", "C4", "C8", "C10", "C11"]}),
    R("api:job", AJ, get=                     "401  401    401  401   401   401    401  401",
                     post=                    "405  405    405  405   405   405    405  405"),
    R("api:submission", AS, get=              "401  401    401  401   401   401    401  401",
                            post=             "405  405    405  405   405   405    405  405"),
    R("api:withdraw", AS, get=                "405  405    405  405   405   405    405  405",
                          post=               "401  401    401  401   401   401    401  401"),
    R("api:messages", get=                    "401  401    401  401   401   401    401  401",
                      post=                   "405  405    405  405   405   405    405  405"),
    R("api:thread", AT, get=                  "401  401    401  401   401   401    401  401",
                        post=                 "405  405    405  405   405   405    405  405"),
]

# Ratings and reviews (the ratings app): the Plus user installed the approved plugin and rated
# it ("rating"); the tester's review of it was hidden ("hidden_rating"). Rating needs an
# install, so the others' POSTs are refused with a message (302); another's answer URL is 404.
RA = {"slug": "approved.slug", "rating_id": "rating"}
RH = {"slug": "approved.slug", "rating_id": "hidden_rating"}
RATING_ROWS = [
    #                                          anon normal plus owner other tester rev  staff
    R("ratings:edit", A_SLUG, get=            "LOG  200    200  200   200   200    200  200",
                              post=           "LOG  302    302  302   302   400    302  302",
      data={"stars": "4", "review": "Fine."},
      note="the tester's own review is hidden: it can't be changed (the form says why)"),
    R("ratings:edit", U_SLUG, get=            "LOG  404    404  200   404   200    200  404",
                              post=           "LOG  404    404  302   404   302    302  404",
      data={"stars": "4"}),
    R("ratings:delete", A_SLUG, get=          "LOG  405    405  405   405   405    405  405",
                                post=         "LOG  302    302  302   302   302    302  302"),
    R("ratings:delete", U_SLUG, get=          "LOG  405    405  405   405   405    405  405",
                                post=         "LOG  404    404  302   404   302    302  404"),
    R("ratings:answer", RA, get=              "LOG  405    405  405   405   405    405  405",
                            post=             "LOG  404    404  302   404   404    404  404",
      data={"answer": "Thanks."}),
    R("ratings:answer", RH, get=              "LOG  405    405  405   405   405    405  405",
                            post=             "LOG  404    404  404   404   404    404  404",
      data={"answer": "Thanks."}, note="a hidden review can't be answered"),
    R("ratings:report", RA, get=              "LOG  405    405  405   405   405    405  405",
                            post=             "LOG  302    302  302   302   302    302  302",
      data={"reason": "Spam."}, note="its author's report is refused with a message"),
    R("ratings:report", RH, get=              "LOG  405    405  405   405   405    405  405",
                            post=             "LOG  404    404  404   404   404    404  404",
      data={"reason": "Spam."}),
]

# User reports (the reports app): any signed-in user reports an approved plugin (the Plus user
# already has an open report of it, "report": refused on the form, 200; its owner too); an
# unverified or banned plugin can't be reported (404). /favicon.ico redirects to the icon.
REPORT_ROWS = [
    #                                          anon normal plus owner other tester rev  staff
    R("reports:mine", get=                    "LOG  200    200  200   200   200    200  200",
                      post=                   "LOG  405    405  405   405   405    405  405"),
    R("reports:create", A_SLUG, get=          "LOG  200    200  200   200   200    200  200",
                                post=         "LOG  302    200  200   302   302    302  302",
      data={"reason": "broken", "text": "It fails."},
      note="the Plus user's open report and the owner's own plugin: refused on the form"),
    R("reports:create", U_SLUG, get=          "LOG  404    404  404   404   404    404  404",
                                post=         "LOG  404    404  404   404   404    404  404",
      data={"reason": "broken", "text": "It fails."}),
    R("reports:create", B_SLUG, get=          "LOG  404    404  404   404   404    404  404",
                                post=         "LOG  404    404  404   404   404    404  404",
      data={"reason": "broken", "text": "It fails."}),
    R("favicon", get=                         "302  302    302  302   302   302    302  302",
                 post=                        "302  302    302  302   302   302    302  302"),
]

# Admin: non-staff go to the admin sign-in; staff without the Reviewers group see only the index.
S = {"object_id": "submission"}
P = {"object_id": "unverified"}
ADMIN_ROWS = [
    #                                              anon normal plus owner other tester rev  staff
    R("admin:index", get=                         "ADM  ADM    ADM  ADM   ADM   ADM    200  200",
                     post=                        "ADM  ADM    ADM  ADM   ADM   ADM    200  200"),
    # The review queue and the reviewer's own views.
    R("admin:reviews_submission_ban_appeals", get="ADM  ADM    ADM  ADM   ADM   ADM    200  403",
                                              post="ADM ADM    ADM  ADM   ADM   ADM    200  403"),
    R("admin:reviews_submission_health", get=    "ADM  ADM    ADM  ADM   ADM   ADM    200  403",
                                         post=   "ADM  ADM    ADM  ADM   ADM   ADM    405  403"),
    R("admin:reviews_submission_review_next", get="ADM ADM    ADM  ADM   ADM   ADM    405  403",
                                              post="ADM ADM    ADM  ADM   ADM   ADM    302  403",
      note="claims the oldest unclaimed submission and opens it"),
    R("admin:reviews_submission_reply", S, get=   "ADM  ADM    ADM  ADM   ADM   ADM    405  405",
                                           post=  "ADM  ADM    ADM  ADM   ADM   ADM    302  403",
      data={"body": "Thanks."}),
    R("admin:reviews_submission_transition", {**S, "transition_name": "=reject"},
                                           get=   "ADM  ADM    ADM  ADM   ADM   ADM    200  403",
                                           post=  "ADM  ADM    ADM  ADM   ADM   ADM    200  403"),
    R("admin:pluginstore_plugin_transition", {**P, "transition_name": "=ban"},
                                           get=   "ADM  ADM    ADM  ADM   ADM   ADM    200  403",
                                           post=  "ADM  ADM    ADM  ADM   ADM   ADM    200  403"),
    R("admin:accounts_developeraccessrequest_transition",
      {"object_id": "access_request", "transition_name": "=decline"},
                                           get=   "ADM  ADM    ADM  ADM   ADM   ADM    200  403",
                                           post=  "ADM  ADM    ADM  ADM   ADM   ADM    200  403"),
    R("admin:auth_user_password_change", {"id": "owner_user"},
                                           get=   "ADM  ADM    ADM  ADM   ADM   ADM    403  403",
                                           post=  "ADM  ADM    ADM  ADM   ADM   ADM    403  403"),
    # Our models' standard pages; the reviewer's five columns: changelist add change history
    # delete. Reviewers view; they change only canned reasons (and decide with buttons).
    *_admin("reviews_submission", "submission",
            rev=     "200 403 200 200 403",
            rev_post="200 403 403 200 403"),
    # The transition buttons, posted to the change pages: only reviewers act.
    R("admin:reviews_submission_change", S,
                                           get=   "ADM  ADM    ADM  ADM   ADM   ADM    200  403",
                                           post=  "ADM  ADM    ADM  ADM   ADM   ADM    302  403",
      data={"_fsm_transition_to": "release"}, note="the Release button"),
    R("admin:pluginstore_plugin_change", P,
                                           get=   "ADM  ADM    ADM  ADM   ADM   ADM    200  403",
                                           post=  "ADM  ADM    ADM  ADM   ADM   ADM    302  403",
      data={"_fsm_transition_to": "ban"}, note="the Ban button (it goes on to the reason form)"),
    R("admin:accounts_developeraccessrequest_change", {"object_id": "access_request"},
                                           get=   "ADM  ADM    ADM  ADM   ADM   ADM    200  403",
                                           post=  "ADM  ADM    ADM  ADM   ADM   ADM    302  403",
      data={"_fsm_transition_to": "grant"}, note="the Grant button"),
    # Two more submissions' pages: the rejected one (with the private note) and the other
    # developer's (with their note to the reviewer).
    R("admin:reviews_submission_change", {"object_id": "rejected_submission"},
                                           get=   "ADM  ADM    ADM  ADM   ADM   ADM    200  403",
                                           post=  "ADM  ADM    ADM  ADM   ADM   ADM    403  403"),
    R("admin:reviews_submission_change", {"object_id": "other_submission"},
                                           get=   "ADM  ADM    ADM  ADM   ADM   ADM    200  403",
                                           post=  "ADM  ADM    ADM  ADM   ADM   ADM    403  403"),
    *_admin("reviews_cannedreason", "canned",
            rev=     "200 200 200 200 200",
            rev_post="200 200 200 200 302"),
    *_admin("pluginstore_plugin", "unverified",
            rev=     "200 403 200 200 403",
            rev_post="200 403 200 200 403"),
    *_admin("pluginstore_pluginversion", "version",
            rev=     "200 403 200 200 403",
            rev_post="200 403 403 200 403"),
    *_admin("pluginstore_fetchjob", "job",
            rev=     "403 403 403 403 403",
            rev_post="403 403 403 403 403"),
    *_admin("accounts_user", "owner_user",
            rev=     "200 403 200 200 403",
            rev_post="200 403 403 200 403"),
    *_admin("accounts_accounttypechange", "type_change",
            rev=     "200 403 200 200 403",
            rev_post="200 403 403 200 403"),
    *_admin("accounts_developeraccessrequest", "access_request",
            rev=     "200 403 200 200 403",
            rev_post="200 403 403 200 403"),
    # Reviews: reviewers view them and hide one with a reason (the form) or show it again.
    *_admin("ratings_rating", "rating",
            rev=     "200 403 200 200 403",
            rev_post="200 403 403 200 403"),
    R("admin:ratings_rating_transition", {"object_id": "rating", "transition_name": "=hide"},
                                           get=   "ADM  ADM    ADM  ADM   ADM   ADM    200  403",
                                           post=  "ADM  ADM    ADM  ADM   ADM   ADM    200  403"),
    R("admin:ratings_rating_change", {"object_id": "rating"},
                                           get=   "ADM  ADM    ADM  ADM   ADM   ADM    200  403",
                                           post=  "ADM  ADM    ADM  ADM   ADM   ADM    302  403",
      data={"_fsm_transition_to": "hide"}, note="the Hide button (it goes on to the reason form)"),
    R("admin:ratings_rating_change", {"object_id": "hidden_rating"},
                                           get=   "ADM  ADM    ADM  ADM   ADM   ADM    200  403",
                                           post=  "ADM  ADM    ADM  ADM   ADM   ADM    302  403",
      data={"_fsm_transition_to": "restore"}, note="the Show again button"),
    # User reports: reviewers see them grouped by plugin and dismiss them with a note.
    *_admin("reports_report", "report",
            rev=     "200 403 200 200 403",
            rev_post="200 403 403 200 403"),
    R("admin:reports_report_dismiss", get=        "ADM  ADM    ADM  ADM   ADM   ADM    405  403",
                                      post=       "ADM  ADM    ADM  ADM   ADM   ADM    302  403",
      data={"plugin": "@approved", "report": "@report", "note": "It works for us."}),
    # Domain claims and their checks: read-only, for superusers (not the Reviewers group).
    *_admin("domains_domainclaim", "domain_claim",
            rev=     "403 403 403 403 403",
            rev_post="403 403 403 403 403"),
    *_admin("domains_verificationjob", "verification_job",
            rev=     "403 403 403 403 403",
            rev_post="403 403 403 403 403"),
    # The watch (PRODUCT.md section 10): read-only lists for reviewers. The world's watch is
    # neither drifted nor unavailable, so those lists' pages for it send reviewers back.
    *_admin("watch_pluginwatch", "watch",
            rev=     "200 403 200 200 403",
            rev_post="200 403 403 200 403"),
    *[R(f"admin:watch_{model}_{page}", args, get=f"ADM ADM ADM ADM ADM ADM {rev} {staff}",
        post=f"ADM ADM ADM ADM ADM ADM {rev_post} {staff_post}")
      for model in ("driftedplugin", "unavailableplugin")
      for page, args, rev, staff, rev_post, staff_post in (
          ("changelist", {}, "200", "403", "200", "403"),
          ("add", {}, "403", "403", "403", "403"),
          ("change", {"object_id": "watch"}, "302", "403", "403", "403"),
          ("history", {"object_id": "watch"}, "302", "302", "302", "302"),
          ("delete", {"object_id": "watch"}, "403", "403", "403", "403"),
      )],
    *_admin("api_apitoken", "token",
            rev=     "403 403 403 403 403",
            rev_post="403 403 403 403 403"),
    *_admin("api_apitokenuse", "token_use",
            rev=     "403 403 403 403 403",
            rev_post="403 403 403 403 403"),
    *_admin("inbox_notification", "notification",
            rev=     "403 403 403 403 403",
            rev_post="403 403 403 403 403"),
]
# fmt: on

# Teams and a plugin's life (PRODUCT.md section 13): the owner manages people, transfers,
# unlists and deletes; only the invited account (the tester) sees and answers its invitation.
# Last, since the owner's POSTs change the world: unlisted, then listed again.
AP = {"plugin_id": "approved"}
TI = {"invitation_id": "team_invitation"}
# fmt: off
TEAM_ROWS = [
    #                                          anon normal plus owner other tester rev  staff
    R("developer:co_developer_invite", U, get="LOG  403    403  405   405   405    403  403",
                                        post= "LOG  403    403  302   404   404    403  403",
      data={"email": "nobody@example.com"}),
    R("developer:co_developer_remove", {**AP, "member_id": "member"},
                                        get=  "LOG  403    403  405   405   405    403  403",
                                        post= "LOG  403    403  302   404   404    403  403"),
    R("developer:transfer", AP, get=          "LOG  403    403  405   405   405    403  403",
                                post=         "LOG  403    403  302   404   404    403  403",
      data={"email": "nobody@example.com"}),
    R("developer:invitation_cancel", {**AP, **TI},
                                get=          "LOG  403    403  405   405   405    403  403",
                                post=         "LOG  403    403  302   404   404    403  403"),
    R("developer:unlist", AP, get=            "LOG  403    403  405   405   405    403  403",
                              post=           "LOG  403    403  302   404   404    403  403"),
    R("developer:relist", AP, get=            "LOG  403    403  405   405   405    403  403",
                              post=           "LOG  403    403  302   404   404    403  403"),
    R("developer:delete", U, get=             "LOG  403    403  200   404   404    403  403",
                             post=            "LOG  403    403  400   404   404    403  403",
      data={"confirmation": "unver.example.com"},
      note="its open submission must be withdrawn first: the form says so"),
    R("developer:leave", AP, get=             "LOG  405    405  405   405   405    405  405",
                             post=            "LOG  404    404  404   404   404    404  404",
      note="only a co-developer leaves; nobody here is one"),
    R("developer:invitations", get=           "LOG  200    200  200   200   200    200  200",
                               post=          "LOG  405    405  405   405   405    405  405"),
    R("developer:invitation", TI, get=        "LOG  404    404  404   404   200    404  404",
                                  post=       "LOG  405    405  405   405   405    405  405"),
    R("developer:invitation_decline", TI, get="LOG  405    405  405   405   405    405  405",
                                  post=       "LOG  404    404  404   404   302    404  404"),
    R("developer:invitation_accept", TI, get= "LOG  405    405  405   405   405    405  405",
                                  post=       "LOG  404    404  404   404   302    404  404",
      note="declined just before: refused with a message on the invitation's page"),
]
# fmt: on

ROWS = SITE_ROWS + BOT_ROWS + TOKEN_ROWS + API_ROWS + RATING_ROWS + REPORT_ROWS + ADMIN_ROWS
ROWS += TEAM_ROWS  # last: the owner's POSTs in it change the world
