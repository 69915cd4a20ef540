/**
 * Name and place pools for demo customers. Chinese names carry pinyin so e-mail addresses look
 * like the ones people really use (wangfang123@163.com).
 */

/** Common surnames with pinyin, most frequent first (roughly the order of the 2020 census lists). */
export const SURNAMES: readonly (readonly [string, string])[] = [
  ['王', 'wang'], ['李', 'li'], ['张', 'zhang'], ['刘', 'liu'], ['陈', 'chen'], ['杨', 'yang'], ['黄', 'huang'],
  ['赵', 'zhao'], ['吴', 'wu'], ['周', 'zhou'], ['徐', 'xu'], ['孙', 'sun'], ['马', 'ma'], ['朱', 'zhu'],
  ['胡', 'hu'], ['郭', 'guo'], ['何', 'he'], ['林', 'lin'], ['高', 'gao'], ['罗', 'luo'], ['郑', 'zheng'],
  ['梁', 'liang'], ['谢', 'xie'], ['宋', 'song'], ['唐', 'tang'], ['许', 'xu'], ['韩', 'han'], ['冯', 'feng'],
  ['邓', 'deng'], ['曹', 'cao'], ['彭', 'peng'], ['曾', 'zeng'], ['肖', 'xiao'], ['田', 'tian'], ['董', 'dong'],
  ['袁', 'yuan'], ['潘', 'pan'], ['于', 'yu'], ['蒋', 'jiang'], ['蔡', 'cai'], ['余', 'yu'], ['杜', 'du'],
  ['叶', 'ye'], ['程', 'cheng'], ['苏', 'su'], ['魏', 'wei'], ['吕', 'lv'], ['丁', 'ding'], ['任', 'ren'],
  ['沈', 'shen'], ['姚', 'yao'], ['卢', 'lu'], ['姜', 'jiang'], ['崔', 'cui'], ['钟', 'zhong'], ['谭', 'tan'],
  ['陆', 'lu'], ['汪', 'wang'], ['范', 'fan'], ['金', 'jin'], ['石', 'shi'], ['廖', 'liao'], ['贾', 'jia'],
  ['夏', 'xia'], ['韦', 'wei'], ['方', 'fang'], ['白', 'bai'], ['邹', 'zou'], ['孟', 'meng'], ['熊', 'xiong'],
  ['秦', 'qin'], ['邱', 'qiu'], ['江', 'jiang'], ['尹', 'yin'], ['薛', 'xue'], ['段', 'duan'], ['雷', 'lei'],
  ['侯', 'hou'], ['龙', 'long'], ['史', 'shi'], ['陶', 'tao'], ['黎', 'li'], ['贺', 'he'], ['顾', 'gu'],
  ['毛', 'mao'], ['郝', 'hao'], ['龚', 'gong'], ['邵', 'shao'], ['万', 'wan'], ['钱', 'qian'], ['严', 'yan'],
  ['戴', 'dai'], ['孔', 'kong'], ['欧阳', 'ouyang'], ['司马', 'sima'], ['上官', 'shangguan'],
];

export const GIVEN_FEMALE: readonly (readonly [string, string])[] = [
  ['芳', 'fang'], ['娜', 'na'], ['敏', 'min'], ['静', 'jing'], ['丽', 'li'], ['秀', 'xiu'], ['英', 'ying'], ['华', 'hua'],
  ['慧', 'hui'], ['美', 'mei'], ['雅', 'ya'], ['玉', 'yu'], ['萍', 'ping'], ['红', 'hong'], ['玲', 'ling'], ['燕', 'yan'],
  ['春', 'chun'], ['兰', 'lan'], ['洁', 'jie'], ['梅', 'mei'], ['琳', 'lin'], ['云', 'yun'], ['雪', 'xue'], ['霞', 'xia'],
  ['月', 'yue'], ['媛', 'yuan'], ['艳', 'yan'], ['佳', 'jia'], ['嘉', 'jia'], ['琪', 'qi'], ['晶', 'jing'], ['妍', 'yan'],
  ['茜', 'qian'], ['秋', 'qiu'], ['珊', 'shan'], ['婷', 'ting'], ['倩', 'qian'], ['颖', 'ying'], ['露', 'lu'], ['瑶', 'yao'],
  ['怡', 'yi'], ['丹', 'dan'], ['蓉', 'rong'], ['琴', 'qin'], ['蕊', 'rui'], ['薇', 'wei'], ['梦', 'meng'], ['岚', 'lan'],
  ['馨', 'xin'], ['韵', 'yun'], ['悦', 'yue'], ['欣', 'xin'], ['晓', 'xiao'], ['菲', 'fei'], ['思', 'si'], ['诗', 'shi'],
  ['涵', 'han'], ['萱', 'xuan'], ['雨', 'yu'], ['婉', 'wan'],
];

export const GIVEN_MALE: readonly (readonly [string, string])[] = [
  ['伟', 'wei'], ['刚', 'gang'], ['勇', 'yong'], ['毅', 'yi'], ['俊', 'jun'], ['峰', 'feng'], ['强', 'qiang'], ['军', 'jun'],
  ['平', 'ping'], ['东', 'dong'], ['文', 'wen'], ['辉', 'hui'], ['明', 'ming'], ['永', 'yong'], ['健', 'jian'], ['志', 'zhi'],
  ['海', 'hai'], ['波', 'bo'], ['宁', 'ning'], ['龙', 'long'], ['国', 'guo'], ['胜', 'sheng'], ['学', 'xue'], ['祥', 'xiang'],
  ['飞', 'fei'], ['斌', 'bin'], ['杰', 'jie'], ['涛', 'tao'], ['成', 'cheng'], ['康', 'kang'], ['星', 'xing'], ['光', 'guang'],
  ['天', 'tian'], ['达', 'da'], ['安', 'an'], ['林', 'lin'], ['博', 'bo'], ['诚', 'cheng'], ['磊', 'lei'], ['民', 'min'],
  ['哲', 'zhe'], ['江', 'jiang'], ['超', 'chao'], ['浩', 'hao'], ['亮', 'liang'], ['鹏', 'peng'], ['旭', 'xu'], ['翔', 'xiang'],
  ['泽', 'ze'], ['晨', 'chen'], ['建', 'jian'], ['家', 'jia'], ['德', 'de'], ['宇', 'yu'], ['轩', 'xuan'], ['睿', 'rui'],
  ['梓', 'zi'], ['皓', 'hao'], ['铭', 'ming'], ['航', 'hang'],
];

export const WESTERN_FEMALE: readonly string[] = [
  'Emma', 'Olivia', 'Sophia', 'Charlotte', 'Amelia', 'Emily', 'Grace', 'Hannah', 'Chloe', 'Lucy',
  'Anna', 'Laura', 'Sarah', 'Julia', 'Claire', 'Sophie', 'Mia', 'Isabella', 'Lena', 'Marie',
];
export const WESTERN_MALE: readonly string[] = [
  'James', 'William', 'Oliver', 'Thomas', 'Daniel', 'Michael', 'David', 'Lucas', 'Henry', 'Jack',
  'Benjamin', 'Samuel', 'Alexander', 'Max', 'Paul', 'Peter', 'Luke', 'Matthew', 'Andrew', 'Felix',
];
export const WESTERN_SURNAMES: readonly string[] = [
  'Smith', 'Johnson', 'Brown', 'Taylor', 'Miller', 'Wilson', 'Moore', 'Anderson', 'Martin', 'Clark',
  'Walker', 'Wright', 'Green', 'Baker', 'Müller', 'Schmidt', 'Fischer', 'Dubois', 'Bernard', 'Rossi',
  'Kim', 'Nguyen', "O'Brien", 'Evans', 'Roberts', 'Hughes', 'Wood', 'Cooper', 'García', 'Jensen',
];

/** Where Chinese customers live, with weights (the venue cities dominate). */
export const CN_CITIES: readonly (readonly [string, number])[] = [
  ['上海', 22], ['杭州', 15], ['成都', 12], ['北京', 12], ['苏州', 5], ['南京', 5], ['深圳', 5], ['广州', 5],
  ['宁波', 3], ['武汉', 3], ['重庆', 3], ['西安', 3], ['天津', 2], ['长沙', 2], ['厦门', 2], ['青岛', 1],
];

/** Foreign home cities of overseas guests: [city, ISO country]. */
export const FOREIGN_CITIES: readonly (readonly [string, string])[] = [
  ['New York', 'US'], ['San Francisco', 'US'], ['London', 'GB'], ['Berlin', 'DE'], ['Munich', 'DE'],
  ['Paris', 'FR'], ['Sydney', 'AU'], ['Singapore', 'SG'], ['Toronto', 'CA'], ['Seoul', 'KR'],
];

/** Mobile number prefixes of the three Chinese carriers. */
export const MOBILE_PREFIXES: readonly string[] = [
  '130', '131', '132', '133', '135', '136', '137', '138', '139', '150', '151', '152', '153', '155', '156',
  '157', '158', '159', '166', '177', '180', '181', '182', '183', '185', '186', '187', '188', '189', '191', '198', '199',
];

export const CN_EMAIL_DOMAINS: readonly (readonly [string, number])[] = [
  ['qq.com', 40], ['163.com', 20], ['126.com', 8], ['foxmail.com', 7], ['sina.com', 5], ['gmail.com', 10], ['outlook.com', 10],
];
export const WESTERN_EMAIL_DOMAINS: readonly (readonly [string, number])[] = [
  ['gmail.com', 50], ['outlook.com', 25], ['yahoo.com', 10], ['icloud.com', 15],
];
