"""One blueprint per part of the forum: auth, threads, directory, reports, moderation, selfmod, pages."""
