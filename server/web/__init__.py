"""HTML pages: the landing page, staff sign-in and pages, and the locally served front-end assets."""
