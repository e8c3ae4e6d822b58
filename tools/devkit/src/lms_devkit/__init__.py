"""Development tools of the LMS mesh: never a dependency of a deployable."""
