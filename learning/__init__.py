"""Learning paths and their items, clones and sync, reviews, quizzes, the API and pages."""
