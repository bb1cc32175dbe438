"""The demo registry's figures, seed and vocabulary (names, places, suffixes, weights)."""

from incubation.choices import (
    AnnualReviewResult,
    GrowthLevel,
    IncubationServiceKind,
    LegalStatus,
    PoliticalStatus,
    ServiceField,
)
from incubation.workflows import Stage

SEED = 2011_0825  # the year 凯益荟 was founded, and any fixed day
ORGANIZATION_TOTAL = 477  # 登记备案类社会组织 of 凯益荟 (人民网, 2024-10-12)
PAIRING_TOTAL = 138  # 结对联系社区草根社会组织138家
REGION = "330102"  # 上城区

S, G, P = LegalStatus, GrowthLevel, Stage
SG, PNE, FOUNDATION, FILED = S.SOCIAL_GROUP, S.PRIVATE_NON_ENTERPRISE, S.FOUNDATION, S.FILED
RT, PC, CO, HUB = G.RESIDENT_TEAM, G.PIONEER_CLUB, G.COMMUNITY_ORG, G.HUB_ORG

# (growth level, final stage, how many) of the generated registered organizations ...
REGISTERED_PROFILES = [
    (HUB, P.MANAGEMENT, 14),
    (HUB, P.AWARDS, 3),
    (HUB, P.ANNUAL_REVIEW, 1),
    (CO, P.MANAGEMENT, 55),
    (CO, P.RE_ELECTION, 20),
    (CO, P.ANNUAL_REVIEW, 14),
    (CO, P.AWARDS, 12),
    (CO, P.REGISTRATION, 3),
    (CO, P.ONBOARDING, 5),
    (CO, P.GRADUATED, 4),
    (CO, P.WITHDRAWN, 1),
    (CO, P.DEREGISTERED, 6),
]
REGISTERED_STATUSES = [SG] * 66 + [PNE] * 68 + [FOUNDATION] * 4
# ... and of the filed ones.
FILED_PROFILES = [
    (RT, P.MANAGEMENT, 99),
    (PC, P.MANAGEMENT, 80),
    (CO, P.MANAGEMENT, 65),
    (RT, P.REGISTRATION, 14),
    (PC, P.REGISTRATION, 6),
    (CO, P.REGISTRATION, 2),
    (RT, P.ONBOARDING, 12),
    (PC, P.ONBOARDING, 9),
    (CO, P.ONBOARDING, 4),
    (RT, P.ANNUAL_REVIEW, 5),
    (PC, P.ANNUAL_REVIEW, 10),
    (CO, P.ANNUAL_REVIEW, 10),
    (PC, P.GRADUATED, 3),
    (CO, P.GRADUATED, 7),
    (RT, P.WITHDRAWN, 5),
    (PC, P.WITHDRAWN, 2),
]
# Grades of the generated hubs and of the other registered organizations, best first.
HUB_GRADES = ["5A"] * 5 + ["4A"] * 7 + ["3A"] * 6
OTHER_GRADES = ["5A"] + ["4A"] * 4 + ["3A"] * 14 + ["2A"] * 8 + ["1A"] * 2
ENTERED_COUNT, INCUBATING_COUNT, INCUBATION_ENDING_SOON = 25, 45, 5

# --- Vocabulary -------------------------------------------------------------------------


def _words(text: str) -> list[str]:
    return text.split()


SURNAMES = (
    "王陈张李徐沈吴周金胡朱杨钱俞章孙郑楼何叶方汪蒋刘黄赵许施姚马丁邵陆顾冯潘应毛范邱鲁傅宋"
    "孔屠戴袁严韩唐曹"
)
GIVEN_NAMES = _words(
    "建国 建华 国平 国强 志明 志强 伟明 卫东 立新 海燕 丽娟 秀英 桂芳 美华 玉兰 红梅 雪芬 "
    "月娥 素珍 凤英 金花 惠芳 亚萍 晓红 建英 德明 永康 文华 宝林 爱萍 丽萍 彩琴 雅琴 佩华 "
    "松林 荣华 明芳 林芳 晓东 俊杰 一鸣 思远 佳怡 婷婷 静怡 浩然 晨阳 海波 国庆 建军 爱华 "
    "淑贞 巧英 菊芳 水根 杏娟 琴芳 美琴 丽华 伟 敏 静 军 芳 勇 燕 洁 斌 健"
)
MOBILE_PREFIXES = _words(
    "130 131 132 133 135 136 137 138 139 150 151 152 153 155 157 158 159 "
    "180 181 182 183 186 187 188 189"
)

# Sub-areas and roads of each community (names as in accounts.demo.COMMUNITIES).
PLACES = {
    "南肖埠社区": ("南肖埠新村", "景华苑"),
    "景昙社区": ("景昙苑", "景新"),
    "凯旋社区": ("凯旋新村", "凯旋苑"),
    "新风社区": ("新风新村", "凯旋公寓"),
    "华家池社区": ("华家池北苑", "华池"),
    "凤凰社区": ("凤凰城", "凤起东苑"),
    "濮家社区": ("濮家新村", "濮家东村"),
    "金秋花园社区": ("金秋", "景秋苑"),
    "三里亭社区": ("三里亭苑", "三里亭东苑"),
    "庆和社区": ("庆和苑", "庆春东"),
}
ROADS = {
    "南肖埠社区": ("凯旋路", "景昙路"),
    "景昙社区": ("景昙路", "凯旋路"),
    "凯旋社区": ("凯旋路", "天城路"),
    "新风社区": ("新风路", "凤起东路"),
    "华家池社区": ("凯旋路", "机场路"),
    "凤凰社区": ("凤起东路", "秋涛北路"),
    "濮家社区": ("机场路", "濮家路"),
    "金秋花园社区": ("秋涛北路", "景芳路"),
    "三里亭社区": ("三里亭路", "天城路"),
    "庆和社区": ("庆春东路", "景昙路"),
}
BRANDS = _words(
    "红枫 暖阳 益家 同心 微光 向阳花 银杏 和美 乐活 睦邻 阳光 善缘 春晖 知行 馨悦 恒爱 益心 "
    "悦龄 颐康 启航 绿叶 朝晖 心桥 乐龄 彩虹 星光 暖心 凯益 秋涛 仁和 同乐 安康 德馨 康乐 "
    "众益 益友 惠民 致远 善达 邻家 家和 福寿 众诚 晨曦 青禾 拾光"
)

FIELD_WEIGHTS = {
    ServiceField.CULTURE_SPORTS: 22,
    ServiceField.ELDERLY: 18,
    ServiceField.NEIGHBOURLY_HELP: 12,
    ServiceField.RESIDENT_SERVICES: 12,
    ServiceField.YOUTH: 9,
    ServiceField.SAFETY: 8,
    ServiceField.CHARITY: 8,
    ServiceField.ENVIRONMENT: 5,
    ServiceField.DISABILITY: 4,
    ServiceField.OTHER: 2,
}
# Filed community organizations: '<community or sub-area><suffix>'.
FILED_SUFFIXES = {
    ServiceField.ELDERLY: "夕阳红志愿服务队 银龄互助会 老年协会 助老服务队 老伙伴互助组 "
    "长者食堂志愿队 银发学习社 金晖助老服务社 爱心陪伴队 老年活动室自管小组",
    ServiceField.CULTURE_SPORTS: "老年书画社 太极拳队 广场舞队 合唱团 越剧社 排舞队 摄影社 "
    "旗袍秀队 乒乓球队 健身气功站 京剧票友社 腰鼓队 民乐队 读书会 柔力球队 象棋社 葫芦丝队 "
    "手工编织社 模特队 健身操队 诗词社 剪纸社 书法社 门球队 舞蹈队",
    ServiceField.NEIGHBOURLY_HELP: "邻里帮帮团 邻里互助会 睦邻服务社 邻里守望队 "
    "和事佬调解工作室 老娘舅调解队 楼道长联谊会 邻里节志愿队 好邻居互助社",
    ServiceField.RESIDENT_SERVICES: "便民服务队 家电维修志愿队 理发志愿服务队 居民议事会 "
    "加装电梯协调小组 停车自治管理小组 楼道自治小组 家园服务社 物业议事会 "
    "老旧小区改造监督小组 便民修补队",
    ServiceField.SAFETY: "平安巡防队 义警队 消防志愿队 治安巡逻队 反诈宣传队 红袖章志愿队 "
    "平安守护队 交通劝导队",
    ServiceField.YOUTH: "亲子阅读会 四点半课堂志愿队 青少年成长营 小候鸟服务队 少儿科普社 "
    "家长学校 红领巾小队 亲子手工坊 青年志愿者服务队 绘本馆志愿队",
    ServiceField.CHARITY: "爱心驿站 慈善互助会 微心愿志愿队 公益服务社 红领志愿服务队 "
    "爱心妈妈团 党员志愿服务队 公益伙伴服务队",
    ServiceField.DISABILITY: "助残服务社 阳光助残志愿队 残疾人互助会 心语手语队 助残康复小组",
    ServiceField.ENVIRONMENT: "垃圾分类督导队 绿色环保队 美丽庭院志愿队 护河志愿队 花友会 "
    "护绿队 垃圾分类宣讲团 低碳生活社",
    ServiceField.OTHER: "退役军人志愿队 法律服务志愿队 心理关爱志愿队 新居民联谊会 侨眷联谊会",
}
# Registered social groups (社会团体): '杭州市上城区<street, community or brand><suffix>'.
SOCIAL_GROUP_SUFFIXES = {
    ServiceField.ELDERLY: "老年协会 老年人体育协会 老龄事业促进会",
    ServiceField.CULTURE_SPORTS: "书画协会 摄影协会 太极拳协会 舞蹈协会 体育协会 文化艺术协会 "
    "戏曲协会 围棋协会",
    ServiceField.NEIGHBOURLY_HELP: "邻里互助协会 睦邻促进会",
    ServiceField.RESIDENT_SERVICES: "业主自治促进会 居民自治协会 物业管理促进会",
    ServiceField.SAFETY: "平安志愿者协会 治安联防协会",
    ServiceField.YOUTH: "家庭教育促进会 青少年发展促进会 青年志愿者协会",
    ServiceField.CHARITY: "慈善协会 志愿者协会 公益促进会 社会工作者协会",
    ServiceField.DISABILITY: "残疾人互助协会 助残志愿者协会",
    ServiceField.ENVIRONMENT: "环保志愿者协会 垃圾分类促进会",
    ServiceField.OTHER: "社会组织联合会 新的社会阶层人士联谊会",
}
# Registered private non-enterprise units (民办非企业单位 / 社会服务机构).
PNE_SUFFIXES = {
    ServiceField.ELDERLY: "居家养老服务中心 养老服务中心 颐养服务中心 长者服务中心",
    ServiceField.CULTURE_SPORTS: "文化艺术中心 书画院 艺术团 体育健身俱乐部 文化传播中心",
    ServiceField.NEIGHBOURLY_HELP: "邻里服务社 社区服务中心 邻里互助服务中心",
    ServiceField.RESIDENT_SERVICES: "社会工作服务中心 家庭服务中心 社区营造服务中心 "
    "物业纠纷调解服务中心",
    ServiceField.SAFETY: "平安服务中心 应急救护服务中心",
    ServiceField.YOUTH: "青少年服务中心 托育服务中心 儿童发展中心 青少年活动中心",
    ServiceField.CHARITY: "公益服务中心 慈善服务中心 公益发展中心",
    ServiceField.DISABILITY: "助残服务中心 康复服务中心 阳光家园",
    ServiceField.ENVIRONMENT: "环境保护服务中心 绿色生活服务中心",
    ServiceField.OTHER: "心理咨询服务中心 法律服务中心 社会组织发展中心",
}
FOUNDATION_SUFFIXES = ("公益基金会", "慈善基金会", "社区发展基金会", "助学基金会")

REVIEW_RESULTS = [
    (AnnualReviewResult.PASSED, 80),
    (AnnualReviewResult.BASICALLY_PASSED, 12),
    (AnnualReviewResult.FAILED, 4),
    (AnnualReviewResult.ABSENT, 4),
]
POLITICAL_STATUSES = [
    (PoliticalStatus.PARTY_MEMBER, 23),
    (PoliticalStatus.PROBATIONARY_MEMBER, 2),
    (PoliticalStatus.LEAGUE_MEMBER, 8),
    (PoliticalStatus.DEMOCRATIC_PARTY, 3),
    (PoliticalStatus.MASSES, 64),
]
SERVICE_PROVIDERS = (
    "凯益荟党委",
    "凯旋街道社会组织服务中心",
    "上城区社会组织发展中心",
    "凯育沙龙",
    "浙江工业大学社会工作系",
    "杭州市上城区红枫社会工作服务中心",
)
SERVICE_NOTES = {
    IncubationServiceKind.PARTY_BUILDING: "“每月一提升”领航讲堂;党员固定奉献日活动指导",
    IncubationServiceKind.CAPACITY: "项目设计与财务管理培训",
    IncubationServiceKind.TALENT: "骨干成员社工证考前辅导",
    IncubationServiceKind.SUPPORT: "公益微创投项目申报辅导",
    IncubationServiceKind.SUPERVISION: "季度督导:台账、制度与活动记录",
    IncubationServiceKind.ASSESSMENT: "年度能力评估:独立运行、党建、项目承接、居民满意度",
    IncubationServiceKind.FOLLOW_UP: "出壳后跟踪回访",
}
