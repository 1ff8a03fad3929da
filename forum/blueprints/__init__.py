"""One blueprint per part of the forum, each registered here and nowhere else."""


def register(app) -> None:
    # threads first: selfmod and the threads blueprint use each other's helpers.
    from . import threads  # isort: skip
    from . import (
        admin,
        appeals,
        auth,
        conversations,
        directory,
        email_replies,
        events,
        feeds,
        group_reports,
        groups,
        help,
        insights,
        library,
        moderation,
        notifications,
        pages,
        reports,
        search,
        selfmod,
        support,
        uploads,
    )

    for blueprint in (
        threads.bp,
        pages.bp,
        auth.bp,
        moderation.bp,
        insights.bp,
        admin.bp,
        directory.bp,
        conversations.bp,
        reports.bp,
        group_reports.bp,
        groups.bp,
        help.bp,
        support.bp,
        support.staff_bp,
        selfmod.bp,
        uploads.bp,
        search.bp,
        feeds.bp,
        notifications.bp,
        email_replies.bp,
        library.bp,
        events.bp,
        appeals.bp,
    ):
        app.register_blueprint(blueprint)
