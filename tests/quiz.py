"""A campaign's quiz for tests: two questions (pass mark 2) and the satisfaction question."""
from server.extensions import db
from server.services.canvassing.quiz import publish_quiz

QUESTIONS = [
    {"text": "过期药品属于哪一类垃圾？", "options": ["可回收物", "有害垃圾", "厨余垃圾", "其他垃圾"], "answer": 1},
    {"text": "废旧报纸属于哪一类垃圾？", "options": ["可回收物", "有害垃圾", "厨余垃圾", "其他垃圾"], "answer": 0},
]
RIGHT, HALF, WRONG = [1, 0], [1, 3], [2, 3]


def give_quiz(campaign, pass_mark=2):
    """Publish the quiz on ``campaign`` (committed)."""
    quiz = publish_quiz(campaign, QUESTIONS, pass_mark, "您对本次入户宣传满意吗？")
    db.session.commit()
    return quiz
