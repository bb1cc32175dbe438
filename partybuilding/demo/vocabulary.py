"""The demo party tree's figures, seed and vocabulary (names, topics, posts)."""

from __future__ import annotations

import calendar
import datetime

from incubation.choices import ServiceField

SEED = 2011_0901  # the day 凯益荟 and its party committee were set up
COMMITTEE_NAME = "中共杭州市上城区凯益荟社会组织综合党委"
COMMITTEE_FOUNDED = datetime.date(2011, 9, 1)
GENERAL_BRANCH_TOTAL = 6
BRANCH_TOTAL = 36
SINGLE_TOTAL = 14  # 单独组建; the other 22 are 16 joint and 6 functional (one per 总支)
MEMBER_TOTAL = 326
CROSS_APPOINTMENT_TOTAL = 23
DEVELOPED_TOTAL = 35  # reached 预备党员 or 正式党员
DEVELOPED_PROBATIONARY = 8  # of those, still probationary
STREET_WIDE_JOINT = 3  # joint branches whose organizations are in several communities
TERMS_ENDING_SOON = 3  # branch terms ending within 90 days
ORGANIZATIONS_PER_INSTRUCTOR = 10
PREREVIEW_COUNT = 4
# The longest a leader's development takes to reach probation (see PartyPlanner.development).
LEADER_PIPELINE_DAYS = 345 + 90 + 366 + 30 + 90
# Members of another organization of a joint branch: up to this many full members each, so
# few organizations end up "应建未建" (≥ 3 full members without an own branch) ...
JOINT_FULL_CAP = 2
# ... except the first organization of every fifth joint branch, which the flag then finds.
FLAGGED_JOINT_EVERY = 5

GROUPS = (
    # (总支 label, service fields, the functional branch)
    ("为老服务", (ServiceField.ELDERLY, ServiceField.DISABILITY), "凯益荟银龄先锋功能型党支部"),
    ("文体", (ServiceField.CULTURE_SPORTS,), "凯益荟文艺轻骑兵功能型党支部"),
    ("公益慈善", (ServiceField.CHARITY, ServiceField.OTHER), "凯益荟红领志愿服务功能型党支部"),
    (
        "邻里互助",
        (ServiceField.NEIGHBOURLY_HELP, ServiceField.RESIDENT_SERVICES),
        "凯益荟流动党员功能型党支部",
    ),
    ("平安治理", (ServiceField.SAFETY, ServiceField.ENVIRONMENT), "凯益荟平安护航功能型党支部"),
    ("青少年", (ServiceField.YOUTH,), "凯益荟青春益站功能型党支部"),
)
GROUP_OF_FIELD = {f: index for index, (_label, fields, _f) in enumerate(GROUPS) for f in fields}
CHINESE_NUMBERS = "一二三四五六七八九十"

# --- Vocabulary -------------------------------------------------------------------------


def _words(text: str) -> list[str]:
    return text.split()


SURNAMES = (
    "王陈张李徐沈吴周金胡朱杨钱俞章孙郑楼何叶方汪蒋刘黄赵许施姚马丁邵陆顾冯潘应毛范邱鲁傅宋"
    "孔屠戴袁严韩唐曹骆吕夏蔡程高罗郭"
)
MALE_GIVEN = _words(
    "建国 建华 国平 国强 志明 志强 伟明 卫东 立新 德明 永康 文华 宝林 松林 荣华 晓东 俊杰 一鸣 "
    "思远 浩然 晨阳 海波 国庆 建军 水根 伟 军 勇 斌 健 明华 振华 忠良 金龙 国栋 宏伟 凯 磊 涛 "
    "子轩 宇航 嘉诚 鹏飞 文杰 天翔 志刚 建平 小龙 新民 学军"
)
FEMALE_GIVEN = _words(
    "海燕 丽娟 秀英 桂芳 美华 玉兰 红梅 雪芬 月娥 素珍 凤英 金花 惠芳 亚萍 晓红 建英 爱萍 丽萍 "
    "彩琴 雅琴 佩华 明芳 林芳 佳怡 婷婷 静怡 爱华 淑贞 巧英 菊芳 杏娟 琴芳 美琴 丽华 敏 静 芳 燕 "
    "洁 晓燕 春燕 雪梅 慧敏 若曦 诗涵 雨桐 梦瑶 欣怡 秀兰 翠英"
)
# Characters that end mostly women's given names (for leaders named by the registry).
FEMALE_ENDINGS = set("芳英娟兰梅芬娥珍花萍琴燕洁敏静婷怡贞娣妹霞莉丽娜瑶涵桐")
MOBILE_PREFIXES = _words(
    "130 131 132 133 135 136 137 138 139 150 151 152 153 155 157 158 159 "
    "177 180 181 182 183 186 187 188 189 199"
)
# Resident ID regions: mostly 上城区 (and the former 江干区 it absorbed), some from elsewhere.
ID_REGIONS = (
    ["330102"] * 10
    + ["330104"] * 6
    + _words(
        "330103 330105 330106 330108 330109 330110 330381 330521 330624 330782 341122 362330 "
        "420106 320583"
    )
)
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)

LECTURE_TITLES = (
    "书记讲党课:学习《中国共产党章程》,做合格党员",
    "专题党课:党建引领社会组织高质量发展",
    "专题党课:深入贯彻中央八项规定精神",
    "专题党课:学习《中国共产党纪律处分条例》",
    "“凯育沙龙·每月一提升”领航讲堂:社会组织党员的先锋作用",
    "党史党课:从红船精神到“八八战略”",
    "专题党课:“红领”社会组织参与基层治理",
    "专题党课:习近平新时代中国特色社会主义思想学习",
)
GROUP_MEETING_TOPICS = (
    "学习传达上级党组织会议精神",
    "交流党员志愿服务情况",
    "讨论本月“公益伙伴日”活动安排",
    "学习《社区社会组织双孵化服务规范》党建条款",
    "开展批评与自我批评",
    "收缴党费,通报党员参加组织生活情况",
)
COMMITTEE_MEETING_TOPICS = (
    "研究本月组织生活安排",
    "研究发展党员工作",
    "研究党员教育管理和党费收缴",
    "研究支部参与社区治理项目",
    "研究走访慰问困难党员",
    "研究社会组织业务与党建工作融合",
)
ASSEMBLY_TOPICS = (
    "通报季度支部工作,听取党员意见",
    "学习上级党组织文件精神",
    "讨论支部年度工作计划落实情况",
    "民主评议党员情况通报",
)
THEME_DAY_BY_MONTH = {
    1: "主题党日:新春走访慰问困难党员和老党员",
    2: "主题党日:学习全国两会精神前瞻",
    3: "主题党日:学雷锋志愿服务月",
    4: "主题党日:清明祭英烈,缅怀革命先烈",
    5: "主题党日:五四青年节,党员带团员",
    6: "主题党日:重温入党誓词,迎接“七一”",
    7: "主题党日:庆祝中国共产党成立{anniversary}周年",
    8: "主题党日:“八一”走访慰问退役军人",
    9: "主题党日:九九重阳,敬老助老",
    10: "主题党日:国庆主题教育,唱响红歌",
    11: "主题党日:“119”消防安全宣传",
    12: "主题党日:宪法宣传日,学法用法",
}
DEDICATION_SERVICES = (
    "楼道清洁与杂物清理",
    "为独居老人送餐上门",
    "义诊义剪便民服务",
    "垃圾分类督导",
    "反诈宣传进楼道",
    "“微心愿”认领",
    "家电义务维修",
    "文明劝导与交通疏导",
    "关爱“一老一小”",
    "助学帮困结对走访",
    "社区环境整治",
    "党员亮身份,邻里议事",
)
VOLUNTEERING_TITLES = (
    "“公益伙伴日”志愿服务",
    "“凯益集市”便民服务",
    "“美好凯旋”社区发展基金会公益项目志愿服务",
    "“红领社企服务站”就业帮扶",
    "助力乡村振兴爱心义卖",
    "“圆梦微心愿”志愿服务",
    "老旧小区改造居民议事志愿服务",
)
OFFICER_POSTS = ("组织委员", "宣传委员", "纪检委员")


def _person_sex(name: str) -> str:
    given = name[1:]
    if given in FEMALE_GIVEN:
        return "F"
    if given in MALE_GIVEN:
        return "M"
    return "F" if given and given[-1] in FEMALE_ENDINGS else "M"


# The organizational life of the four years before this one (the dashboard's five-year
# chart), as the share of this year's regular meetings each held: last year first. Life
# grew more regular as the committee's 三会一课 checks took hold.
PAST_ACTIVITY_REGULARITY = (0.9, 0.8, 0.65, 0.5)


def _days_in_month(year: int, month: int) -> int:
    return calendar.monthrange(year, month)[1]
