"""The usual service categories of a street's needs and resources, seeded by a migration
(and by ``seed_default_categories`` where a database was emptied, e.g. in tests). Staff
rename, add and order them in the admin; codes stay ASCII."""

CATEGORIES = [
    (
        "elderly",
        "养老服务",
        ["meal", "助餐"],
        ["home_care", "居家照护"],
        ["companionship", "陪伴探访"],
    ),
    ("children", "儿童关爱", ["tutoring", "课业辅导"], ["after_school", "四点半课堂"]),
    ("disability", "助残服务", ["rehab", "康复辅助"]),
    ("legal", "法律援助", ["consult", "法律咨询"]),
    ("health", "健康服务", ["checkup", "义诊体检"], ["mental", "心理疏导"]),
    ("culture", "文化体育", ["arts", "文艺活动"], ["reading", "阅读推广"]),
    ("environment", "环境保护", ["sorting", "垃圾分类"], ["greening", "绿化美化"]),
    ("safety", "平安建设", ["patrol", "治安巡逻"], ["fire", "消防安全"]),
    ("mediation", "矛盾调解", ["neighbour", "邻里调解"]),
    ("employment", "就业帮扶", ["training", "技能培训"], ["jobs", "岗位推介"]),
    ("goods", "物资帮扶", ["daily", "生活用品"], ["study", "学习用品"]),
]


def seed_default_categories(category_model=None) -> None:
    """Create the default categories that are missing (``category_model``: the model, or
    the historical one in a migration)."""
    if category_model is None:
        from marketplace.models import Category as category_model
    for order, (code, name, *children) in enumerate(CATEGORIES, start=1):
        parent, _ = category_model.objects.get_or_create(
            code=code, defaults={"name": name, "order": order * 10}
        )
        for child_order, (child_code, child_name) in enumerate(children, start=1):
            category_model.objects.get_or_create(
                code=f"{code}-{child_code}",
                defaults={"name": child_name, "parent": parent, "order": child_order},
            )
