//! Fixed name pools for the synthetic ledgers: the five sample units, payee
//! companies by trade, staff names and departments. All names are invented;
//! none is meant to point at a real business.

/// One union in the sample set.
pub struct Unit {
    /// The unit as it appears in file names and titles (e.g. `一中工会`).
    pub name: &'static str,
    /// Headcount, which scales festival gifts and per-head payments.
    pub members: i64,
    pub depts: &'static [&'static str],
    /// People who handle payments or receive hardship/sick-leave money.
    pub staff: &'static [&'static str],
    /// 制单 / 审核 / 出纳.
    pub preparer: &'static str,
    pub auditor: &'static str,
    pub cashier: &'static str,
}

pub const SCHOOL: Unit = Unit {
    name: "一中工会",
    members: 186,
    depts: &[
        "工会办公室",
        "教务处",
        "总务处",
        "高一年级组",
        "高二年级组",
        "高三年级组",
    ],
    staff: &[
        "张海燕",
        "李建国",
        "王秀兰",
        "刘志强",
        "陈丽娟",
        "杨光明",
        "赵雪梅",
        "周文斌",
    ],
    preparer: "孙晓红",
    auditor: "马建华",
    cashier: "朱玉梅",
};

pub const HOSPITAL: Unit = Unit {
    name: "人民医院工会",
    members: 412,
    depts: &[
        "工会办公室",
        "内科",
        "外科",
        "护理部",
        "后勤保障部",
        "医务科",
    ],
    staff: &[
        "吴晓东",
        "郑美玲",
        "冯国庆",
        "何丽萍",
        "许文涛",
        "邓建军",
        "曹雅琴",
        "彭志远",
    ],
    preparer: "韩冬梅",
    auditor: "蒋立新",
    cashier: "沈佳怡",
};

pub const BUILDER: Unit = Unit {
    name: "城建集团工会",
    members: 538,
    depts: &[
        "工会办公室",
        "工程一部",
        "工程二部",
        "机械设备部",
        "综合办公室",
        "财务部",
    ],
    staff: &[
        "高建平",
        "罗晓梅",
        "梁志刚",
        "宋丽华",
        "谢永强",
        "唐春燕",
        "韦国栋",
        "于海涛",
    ],
    preparer: "董淑芬",
    auditor: "袁振华",
    cashier: "潘晓丽",
};

pub const POWER: Unit = Unit {
    name: "电力公司工会",
    members: 347,
    depts: &[
        "工会办公室",
        "运维检修部",
        "营销部",
        "调度控制中心",
        "安全监察部",
        "后勤服务中心",
    ],
    staff: &[
        "田国华",
        "石红梅",
        "姚建新",
        "卢秀英",
        "汪志明",
        "范丽君",
        "金永生",
        "贾春花",
    ],
    preparer: "夏雨晴",
    auditor: "钟伟民",
    cashier: "汤慧敏",
};

pub const FACTORY: Unit = Unit {
    name: "机械厂工会",
    members: 264,
    depts: &[
        "工会办公室",
        "铸造车间",
        "机加工车间",
        "装配车间",
        "质检科",
        "供销科",
    ],
    staff: &[
        "任德胜",
        "廖桂英",
        "邹建设",
        "熊淑珍",
        "孟庆丰",
        "秦玉兰",
        "阎志军",
        "薛红霞",
    ],
    preparer: "侯晓燕",
    auditor: "邵国强",
    cashier: "龙小芳",
};

pub const SUPERMARKETS: &[&str] = &[
    "惠万家超市有限公司",
    "鑫盛源生活超市",
    "佳润百货超市有限公司",
];
pub const CAKE_SHOPS: &[&str] = &["麦香园蛋糕店", "甜蜜时光蛋糕店", "金禾烘焙坊"];
pub const SPORTS_SHOPS: &[&str] = &["健力体育用品店", "冠军体育用品有限公司", "动感体育器材商行"];
pub const TRAVEL_AGENCIES: &[&str] = &["山水国际旅行社有限公司", "畅游天下旅行社"];
pub const HOTELS: &[&str] = &["锦程商务酒店", "悦来大酒店有限公司", "华庭假日酒店"];
pub const RESTAURANTS: &[&str] = &["聚福楼酒家", "老街坊饭店", "四季春农家菜馆"];
pub const PRINTERS: &[&str] = &["博文广告印务有限公司", "众鑫图文制作部"];
pub const BOOKSTORES: &[&str] = &["博学书店", "文华图书有限公司"];
pub const TRAINING_ORGS: &[&str] = &["市总工会干部学校", "明德职业培训学校"];
pub const GIFT_TRADERS: &[&str] = &[
    "丰裕商贸有限公司",
    "烟台鲁丰果品有限公司",
    "福满园食品有限公司",
];
pub const ELECTRONICS: &[&str] = &["诚信电脑科技有限公司", "恒通办公设备商行"];
pub const VENUES: &[&str] = &["市全民健身中心", "阳光羽毛球馆"];

pub const YANTAI_TRADER: &str = "烟台鲁丰果品有限公司";
pub const DECORATOR: &str = "恒美装饰工程有限公司";
pub const KTV: &str = "欢唱时代KTV";
pub const BATHHOUSE: &str = "海之韵洗浴中心";
pub const LIQUOR_SHOP: &str = "鑫源烟酒商行";
pub const INSURER: &str = "安康人寿保险股份有限公司";
pub const SCENIC_SPOT: &str = "青峰山景区管理处";
pub const CLINIC: &str = "康宁健康体检中心";
pub const PROPERTY_CO: &str = "安居物业管理有限公司";
pub const WATER_CO: &str = "城投水务有限公司";
pub const WEALTH_BANK: &str = "兴农商业银行";
pub const MUTUAL_AID: &str = "市职工互助保障会";
pub const CITY_FEDERATION: &str = "市总工会";

/// Grassroots unions of the benchmark file: `count` names (at least 1, at most 2,500),
/// city × district × employer, so a 10-million-row file spread over 1,250 unions has
/// each union's ledger at a realistic size.
pub fn large_units(count: usize) -> Vec<String> {
    const CITIES: [&str; 10] = [
        "江城", "临川", "东平", "安宁", "青阳", "河西", "南湖", "北塘", "望江", "兴华",
    ];
    const DISTRICTS: [&str; 10] = [
        "",
        "城东",
        "城西",
        "城南",
        "城北",
        "高新区",
        "开发区",
        "新城",
        "老城",
        "港区",
    ];
    const EMPLOYERS: [&str; 25] = [
        "第一中学",
        "人民医院",
        "供电公司",
        "建设集团",
        "机械制造厂",
        "实验小学",
        "中医院",
        "自来水公司",
        "公交公司",
        "税务局",
        "第二中学",
        "妇幼保健院",
        "燃气公司",
        "粮食储备库",
        "邮政分公司",
        "职业技术学院",
        "疾控中心",
        "热力公司",
        "物流集团",
        "纺织厂",
        "图书馆",
        "市场监管局",
        "交通运输局",
        "农商银行",
        "化工厂",
    ];
    let count = count.clamp(1, CITIES.len() * DISTRICTS.len() * EMPLOYERS.len());
    let mut out = Vec::with_capacity(count);
    'all: for district in DISTRICTS {
        for employer in EMPLOYERS {
            for city in CITIES {
                if out.len() == count {
                    break 'all;
                }
                out.push(format!("{city}{district}{employer}工会"));
            }
        }
    }
    out
}

/// Handler names for the benchmark file.
pub const LARGE_HANDLERS: &[&str] = &[
    "张伟", "王芳", "李娜", "刘洋", "陈静", "杨磊", "赵敏", "黄丽", "吴勇", "徐婷", "孙强", "胡军",
    "朱红", "高峰", "林燕", "何平", "郭亮", "马丽", "罗刚", "梁艳",
];

/// Departments for the benchmark file.
pub const LARGE_DEPTS: &[&str] = &[
    "工会办公室",
    "综合办公室",
    "财务科",
    "后勤科",
    "人事科",
    "生产部",
];
