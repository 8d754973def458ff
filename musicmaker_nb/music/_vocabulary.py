"""What the words of a prompt mean, as data: moods, occasions, styles, instruments, tempo, energy
and structure words, in English and Chinese side by side.

Each row lists its own words, so adding a word or a meaning is an edit of one row here; the
reader (``_reading``) builds its lexicon from these tables.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "Mood",
    "Occasion",
    "MOODS",
    "OCCASIONS",
    "STYLE_WORDS",
    "INSTRUMENT_WORDS",
    "INSTRUMENT_STYLES",
    "STYLE_REFINEMENTS",
    "PACE_WORDS",
    "ENERGY_WORDS",
    "FLAG_WORDS",
    "ONLY_WORDS",
    "DEFAULT_MOOD",
]


@dataclass(frozen=True)
class Mood:
    label: str
    mode: str  # "major", "minor" or "" (either; the style decides)
    pace: float  # where in the style's tempo range it sits, 0 (slowest) .. 1 (fastest)
    energy: float  # 0..1, the loudness and density of its busiest section
    style: str  # the style it asks for when nothing else names one
    words: tuple[str, ...]
    strong: bool = False  # its style wins over an occasion's (sleepy music for a cat video is a lullaby)


@dataclass(frozen=True)
class Occasion:
    label: str
    style: str
    mood: str
    words: tuple[str, ...]
    strong: bool = False  # it names a sound (Christmas, a Chinese festival, "for kids"): its style wins
    generic: bool = False  # it fits any video (a promo, a vlog): a more particular occasion named speaks first


def _w(text: str) -> tuple[str, ...]:
    return tuple(word.strip() for word in text.split("|") if word.strip())


MOODS: dict[str, Mood] = {
    "happy": Mood("Happy", "major", 0.65, 0.75, "pop", _w(
        "happy|upbeat|up-beat|cheerful|joyful|joyous|joy|bright|positive|sunny|feel good|feel-good|good vibes|catchy|"
        "glad|merry|欢快|快乐|开心|愉快|阳光|轻快|喜悦|积极")),
    "playful": Mood("Playful", "major", 0.7, 0.65, "kids", _w(
        "playful|bouncy|fun|cheeky|lighthearted|light-hearted|carefree|cute|adorable|俏皮|活泼|调皮|可爱|童趣")),
    "whimsical": Mood("Whimsical", "major", 0.55, 0.5, "orchestral", _w(
        "whimsical|magical|magic|enchanted|enchanting|wonder|wonderland|curious|奇幻|魔法")),
    "quirky": Mood("Quirky", "major", 0.6, 0.55, "kids", _w(
        "quirky|funny|comedic|comedy|silly|goofy|humorous|humor|humour|wacky|zany|搞笑|滑稽|幽默|逗趣")),
    "calm": Mood("Calm", "major", 0.3, 0.3, "ambient", _w(
        "calm|peaceful|relaxing|relax|gentle|soothing|serene|tranquil|quiet|平静|舒缓|"
        "安静|宁静|平和|轻柔|温柔")),
    "meditative": Mood("Meditative", "major", 0.1, 0.2, "new_age", _w(
        "meditative|meditation|meditate|zen|mindful|mindfulness|healing|spiritual|breathing|breathwork|"
        "冥想|禅|静心|疗愈|治愈"), strong=True),
    "chill": Mood("Chill", "", 0.4, 0.45, "lofi", _w(
        "chill|chilled|chillout|chill out|chillhop|laid back|laid-back|laidback|mellow|cozy|cosy|easygoing|relaxed|放松|"
        "easy going|easy listening|vibey|惬意|慵懒|悠闲|轻松|休闲|随性")),
    "sleepy": Mood("Sleepy", "major", 0.05, 0.15, "lullaby", _w(
        "sleepy|sleep|sleeping|drowsy|bedtime|bed time|nap|naptime|snooze|slumber|goodnight|good night|"
        "困|睡觉|入睡|睡前|催眠|助眠|哄睡|晚安"), strong=True),
    "dreamy": Mood("Dreamy", "major", 0.35, 0.35, "ambient", _w(
        "dreamy|dream|dreamlike|ethereal|floating|hazy|airy|celestial|otherworldly|hypnotic|atmospheric|"
        "slow motion|slow-motion|slowmo|slow-mo|梦幻|空灵|飘渺|朦胧")),
    "nostalgic": Mood("Nostalgic", "", 0.45, 0.45, "acoustic", _w(
        "nostalgic|nostalgia|memories|memory|remember|reminiscing|wistful|throwback|old days|old times|vintage|"
        "old-fashioned|oldies|1940s|40s|1950s|50s|1960s|60s|1970s|70s|"
        "怀旧|回忆|怀念|往事|悠扬|思乡")),
    "sad": Mood("Sad", "minor", 0.2, 0.3, "piano", _w(
        "sad|sadness|sorrow|sorrowful|heartbreak|heartbroken|broken heart|grief|grieving|tragic|crying|tears|"
        "mournful|悲伤|伤感|难过|哀伤|心碎|哭|悲痛|失恋")),
    "melancholic": Mood("Melancholic", "minor", 0.3, 0.35, "piano", _w(
        "melancholic|melancholy|moody|pensive|lonely|loneliness|somber|sombre|gloomy day|reflective|"
        "忧郁|惆怅|孤独|忧伤|沉思|寂寞")),
    "bittersweet": Mood("Bittersweet", "", 0.35, 0.4, "piano", _w(
        "bittersweet|farewell|goodbye|moving|touching|emotional|heartfelt|sentimental|tearjerker|"
        "感人|感动|离别|告别|煽情|温情")),
    "romantic": Mood("Romantic", "major", 0.35, 0.4, "piano", _w(
        "romantic|romance|love|love song|love theme|love story|loving|in love|tender|affectionate|lovey|浪漫|爱情|甜蜜|恋爱|爱")),
    "sensual": Mood("Sensual", "minor", 0.3, 0.45, "soul", _w(
        "sensual|sexy|sultry|seductive|smooth|silky|steamy|slow jam|性感|魅惑|撩人")),
    "elegant": Mood("Elegant", "major", 0.4, 0.45, "classical_strings", _w(
        "elegant|classy|sophisticated|refined|graceful|posh|upscale|"
        "优雅|高雅|高级|典雅|精致")),
    "epic": Mood("Epic", "minor", 0.55, 0.95, "trailer", _w(
        "epic|grand|massive|majestic|huge|colossal|monumental|larger than life|sweeping|soaring|battle|史诗|宏大|壮丽|磅礴|气势|大气"),
        strong=True),
    "heroic": Mood("Heroic", "major", 0.6, 0.9, "orchestral", _w(
        "heroic|hero|heroes|brave|courageous|valiant|noble|superhero|英雄|英勇|勇敢|武侠"), strong=True),
    "triumphant": Mood("Triumphant", "major", 0.65, 0.9, "orchestral", _w(
        "triumphant|triumph|victory|victorious|winning|champion|champions|fanfare|anthem|anthemic|胜利|凯旋|夺冠"), strong=True),
    "dramatic": Mood("Dramatic", "minor", 0.5, 0.8, "orchestral", _w(
        "dramatic|drama|intense|climactic|gripping|戏剧|激烈|震撼|跌宕")),
    "tense": Mood("Tense", "minor", 0.85, 0.7, "orchestral", _w(
        "tense|tension|suspense|suspenseful|thriller|thrilling|chase|nervous|anxious|urgent|edgy|pursuit|"
        "紧张|悬疑|追逐|刺激|惊险|紧迫"), strong=True),
    "mysterious": Mood("Mysterious", "minor", 0.4, 0.4, "ambient", _w(
        "mysterious|mystery|mystical|enigmatic|secret|secrets|intrigue|intriguing|cryptic|unknown|abandoned|"
        "神秘|谜|玄幻|未知")),
    "spooky": Mood("Spooky", "minor", 0.4, 0.5, "orchestral", _w(
        "spooky|creepy|eerie|haunted|haunting|scary|ghost|ghostly|ghosts|monster|"
        "诡异|阴森|吓人|鬼|惊悚"), strong=True),
    "dark": Mood("Dark", "minor", 0.45, 0.6, "orchestral", _w(
        "dark|ominous|sinister|brooding|menacing|gloomy|grim|evil|villain|villainous|"
        "黑暗|阴暗|压抑|邪恶|暗黑")),
    "aggressive": Mood("Aggressive", "minor", 0.85, 1.0, "metal", _w(
        "aggressive|angry|anger|rage|furious|hard|hardcore|heavy|brutal|fierce|violent|"
        "愤怒|狂暴|凶猛|暴躁|重型"), strong=True),
    "hopeful": Mood("Hopeful", "major", 0.5, 0.6, "piano", _w(
        "hopeful|optimistic|hope|new beginning|new beginnings|fresh start|promising|bright future|"
        "希望|乐观|期待|憧憬")),
    "inspiring": Mood("Inspiring", "major", 0.55, 0.7, "corporate", _w(
        "inspiring|inspirational|inspire|inspired|uplifting|uplift|encouraging|empowering|"
        "励志|鼓舞|振奋|激励|正能量")),
    "motivational": Mood("Motivational", "major", 0.85, 0.9, "edm", _w(
        "motivational|motivation|motivating|driving|determined|determination|push|pumped|pump up|pumping|"
        "热血|拼搏|燃|动力|奋斗")),
    "energetic": Mood("Energetic", "major", 0.9, 0.95, "edm", _w(
        "energetic|energy|high energy|high-energy|hype|hyped|lively|dynamic|vibrant|exciting|excited|spicy|"
        "动感|激情|活力|有活力|劲爆|嗨|带劲")),
    "groovy": Mood("Groovy", "", 0.55, 0.7, "funk", _w(
        "groovy|groove|grooves|grooving|danceable|bopping|律动|摇摆感")),
    "cool": Mood("Cool", "minor", 0.45, 0.6, "hiphop", _w(
        "cool|confident|swagger|swag|stylish|slick|badass|attitude|streetwear|street style|酷|帅气|潮|自信|街头")),
    "festive": Mood("Festive", "major", 0.7, 0.8, "pop", _w(
        "festive|celebration|celebrate|celebrating|celebratory|jolly|holiday cheer|foot-stomping|stomping|hoedown|barn dance|喜庆|热闹|庆祝|欢庆")),
    "adventurous": Mood("Adventurous", "major", 0.5, 0.75, "orchestral", _w(
        "adventurous|adventure|adventures|exploring|explore|exploration|quest|expedition|discovery|journey|"
        "冒险|探险|探索|征程")),
}
DEFAULT_MOOD = "happy"

OCCASIONS: dict[str, Occasion] = {
    "travel": Occasion("travel", "pop", "happy", _w("travel|travels|trip|traveling|travelling|vacation|getaway|"
                                                     "sightseeing|backpacking|tourist|旅行|旅游|度假|出游")),
    "road trip": Occasion("road trip", "indie_rock", "adventurous", _w("road trip|roadtrip|on the road|自驾|公路")),
    "beach": Occasion("beach", "tropical_house", "happy", _w("beach|seaside|island|tropical|palm trees|海边|海滩|"
                                                              "沙滩|海岛")),
    "summer": Occasion("summer", "tropical_house", "happy", _w("summer|summertime|pool party|夏天|夏日")),
    "surfing": Occasion("surfing", "indie_rock", "energetic", _w("surf|surfing|surfer|冲浪")),
    "city night": Occasion("city night", "deep_house", "cool", _w("city night|night city|nightlife|night life|"
                                                                   "downtown|city lights|夜景|城市夜景|都市|夜生活")),
    "night drive": Occasion("night drive", "synthwave", "nostalgic", _w("night drive|late night drive|driving at night|"
                                                                        "midnight drive|cruising|夜间驾驶|兜风|夜驾")),
    "city": Occasion("city", "house", "cool", _w("city|urban|streets|metropolis|skyline|城市")),
    "nature": Occasion("nature", "ambient", "calm", _w("nature|forest|forests|woods|mountain|mountains|landscape|"
                                                        "landscapes|scenery|river|lake|waterfall|大自然|"
                                                        "自然|森林|山|风景|湖|瀑布")),
    "rain": Occasion("rain", "lofi", "melancholic", _w("rain|rainy|rainy day|raining|storm|下雨|雨天|雨")),
    "wedding": Occasion("wedding", "classical_strings", "romantic", _w("wedding|weddings|first dance|bride|groom|marriage|vows|"
                                                                       "婚礼|结婚|新娘|婚纱")),
    "proposal": Occasion("proposal", "acoustic", "romantic", _w("proposal|marriage proposal|propose|engagement|求婚|订婚")),
    "anniversary": Occasion("anniversary", "piano", "romantic", _w("anniversary|纪念日|周年")),
    "valentine": Occasion("valentine's day", "pop", "romantic", _w("valentine|valentines|valentine's|情人节")),
    "birthday": Occasion("birthday", "pop", "happy", _w("birthday|bday|b-day|birthday party|生日")),
    "party": Occasion("party", "edm", "festive", _w("party|parties|club|clubbing|rave|nightclub|派对|聚会|蹦迪")),
    "graduation": Occasion("graduation", "corporate", "hopeful", _w("graduation|graduate|graduating|"
                                                                       "commencement|毕业|毕业典礼")),
    "workout": Occasion("workout", "edm", "motivational", _w("workout|workouts|gym|fitness|exercise|training|cardio|"
                                                            "running|jogging|crossfit|hiit|leg day|健身|锻炼|跑步|运动")),
    "sports": Occasion("sports", "rock", "energetic", _w("sports|sport|game day|highlights|highlight reel|stadium|arena|football|"
                                                         "soccer|basketball|athletes|体育|比赛|足球|篮球")),
    "skateboarding": Occasion("skateboarding", "punk", "energetic", _w("skate|skateboard|skateboarding|skater|"
                                                                      "skatepark|滑板")),
    "extreme sports": Occasion("extreme sports", "rock", "energetic", _w("snowboard|snowboarding|skiing|ski|bmx|skydive|skydiving|paragliding|bungee|base jump|"
                                                                          "motocross|parkour|滑雪|极限运动")),
    "cooking": Occasion("cooking", "acoustic", "happy", _w("cooking|recipe|recipes|kitchen|baking|bake|food|foodie|"
                                                           "meal|chef|美食|做饭|烹饪|烘焙|厨房|食谱|吃播")),
    "restaurant": Occasion("restaurant", "jazz", "elegant", _w("restaurant|dinner|dining|bistro|wine|fine dining|"
                                                               "餐厅|晚餐|西餐")),
    "coffee shop": Occasion("coffee shop", "jazz", "chill", _w("coffee|coffee shop|cafe|café|latte|barista|brunch|"
                                                               "咖啡|咖啡馆|咖啡店")),
    "pets": Occasion("pets", "indie_pop", "playful", _w("pet|pets|puppy|puppies|kitten|kittens|cat|cats|kitty|dog|dogs|"
                                                   "doggy|hamster|bunny|宠物|猫|猫咪|狗|狗狗|小狗|小猫")),
    "kids": Occasion("kids", "kids", "playful", _w("kids|kid|children|child|toddler|toddlers|preschool|nursery|"
                                                   "cartoon|cartoons|daughter|son|kids'|grandkids|little ones|儿童|孩子|小朋友|卡通|动画|"
                                                   "幼儿|女儿|儿子"), strong=True),
    "baby": Occasion("baby", "lullaby", "calm", _w("baby|babies|newborn|infant|宝宝|婴儿|萌娃")),
    "family": Occasion("family", "acoustic", "happy", _w("family|picnic|reunion|family reunion|家庭|野餐|家人|团聚")),
    "school": Occasion("school", "kids", "playful", _w("school|classroom|back to school|teacher|学校|开学|课堂"),
                       generic=True),
    "tutorial": Occasion("tutorial", "corporate", "chill", _w("tutorial|tutorials|how-to|how to|explainer|lesson|course|"
                                                         "e-learning|walkthrough|教程|教学|讲解")),
    "study": Occasion("study", "lofi", "chill", _w("study|studying|focus|concentration|homework|reading|coding|"
                                                   "programming|work from home|学习|专注|读书|写作业")),
    "product demo": Occasion("product demo", "corporate", "inspiring", _w("product demo|product|demo|launch|"
                                                                          "product launch|app|saas|software|产品|"
                                                                          "发布会|新品"), generic=True),
    "unboxing": Occasion("unboxing", "house", "happy", _w("unboxing|unbox|haul|开箱"), generic=True),
    "tech": Occasion("tech", "house", "cool", _w("tech|technology|gadget|gadgets|tech review|smartphone|phone|laptop|"
                                                 "科技|数码")),
    "business": Occasion("business", "corporate", "inspiring", _w("business|presentation|pitch|startup|company|office|"
                                                                  "commercial|advertisement|advert|ad|ads|promo|hero video|hero banner|hero section|"
                                                                  "marketing|brand|branding|企业|商务|广告|宣传|"
                                                                  "公司|宣传片"), generic=True),
    "real estate": Occasion("real estate", "corporate", "elegant", _w("real estate|property|home tour|house tour|"
                                                                      "apartment|interior|interior design|"
                                                                      "architecture|realtor|房地产|房产|看房|家居")),
    "fashion": Occasion("fashion", "deep_house", "cool", _w("fashion|runway|catwalk|lookbook|outfit|ootd|model|时装|时装秀|"
                                                            "时尚|走秀|穿搭")),
    "beauty": Occasion("beauty", "indie_pop", "happy", _w("makeup|make-up|beauty|skincare|cosmetics|美妆|化妆|护肤")),
    "gaming": Occasion("gaming", "edm", "energetic", _w("gaming|gamer|gameplay|video game|videogame|esports|"
                                                        "e-sports|speedrun|游戏|电竞")),
    "vlog": Occasion("vlog", "pop", "happy", _w("vlog|vlogs|daily vlog|day in my life|日常|生活记录"), generic=True),
    "documentary": Occasion("documentary", "orchestral", "mysterious", _w("documentary|docu|documentaries|"
                                                                          "纪录片")),
    "wildlife": Occasion("wildlife", "orchestral", "adventurous", _w("wildlife|safari|lions|elephants|野生动物|动物世界")),
    "history": Occasion("history", "orchestral", "dramatic", _w("history|historical|ancient|war|历史|古代|战争")),
    "space": Occasion("space", "ambient", "mysterious", _w("space|galaxy|universe|cosmos|cosmic|astronaut|planets|"
                                                           "sci-fi|scifi|science fiction|太空|宇宙|科幻|星空")),
    "science": Occasion("science", "corporate", "hopeful", _w("science|scientific|lab|experiment|research|科学|"
                                                              "实验")),
    "underwater": Occasion("underwater", "ambient", "dreamy", _w("underwater|diving|scuba|aquarium|coral|ocean|"
                                                                 "水下|海底|潜水|海洋")),
    "horror": Occasion("horror", "orchestral", "spooky", _w("horror|scary movie|zombie|zombies|haunted house|"
                                                            "恐怖|恐怖片|丧尸")),
    "halloween": Occasion("halloween", "orchestral", "spooky", _w("halloween|trick or treat|pumpkin|万圣节"), strong=True),
    "christmas": Occasion("Christmas", "christmas", "festive", _w("christmas|xmas|x-mas|santa|holiday season|"
                                                                  "sleigh|圣诞|圣诞节"), strong=True),
    "chinese new year": Occasion("Chinese New Year", "chinese", "festive", _w("chinese new year|lunar new year|"
                                                                              "spring festival|cny|春节|新年|过年|"
                                                                              "中国新年|拜年|新春|端午|端午节|龙舟|中秋|中秋节|"
                                                                              "元宵|元宵节|灯笼|舞狮|lion dance|dragon boat|mid-autumn"),
                                  strong=True),
    "new year": Occasion("New Year", "edm", "festive", _w("new year|new year's eve|new years eve|countdown|跨年|"
                                                          "元旦")),
    "fireworks": Occasion("fireworks", "orchestral", "triumphant", _w("fireworks|烟花|烟火")),
    "festival": Occasion("festival", "latin", "festive", _w("festival|carnival|fiesta|parade|狂欢|嘉年华")),
    "meditation": Occasion("yoga", "new_age", "meditative", _w("yoga|pilates|stretching|spa|massage|wellness|"
                                                               "瑜伽|按摩|养生")),
    "podcast": Occasion("podcast", "indie_pop", "happy", _w("podcast|podcast intro|channel intro|youtube intro|播客|片头")),
    "news": Occasion("news", "orchestral", "tense", _w("news|breaking news|newsroom|report|新闻|报道")),
    "racing": Occasion("racing", "rock", "energetic", _w("racing|race|motorsport|car chase|drift|赛车|飙车")),
    "car": Occasion("car", "synthwave", "cool", _w("car|cars|car commercial|supercar|汽车|跑车")),
    "drone": Occasion("drone footage", "orchestral", "adventurous", _w("drone|aerial|drone footage|flyover|"
                                                                       "航拍")),
    "sunset": Occasion("sunset", "tropical_house", "chill", _w("sunset|sunrise|golden hour|dusk|日落|日出|夕阳|黄昏"),
                       generic=True),
    "autumn": Occasion("autumn", "piano", "nostalgic", _w("autumn|fall leaves|falling leaves|秋天|秋日|落叶")),
    "winter": Occasion("winter", "ambient", "calm", _w("winter|snow|snowy|snowfall|冬天|冬日|雪")),
    "spring": Occasion("spring", "classical_strings", "happy", _w("spring|springtime|blossom|flowers|bloom|春天|春日|花开")),
    "camping": Occasion("camping", "folk", "chill", _w("camping|campfire|outdoors|cabin|露营|户外")),
    "hiking": Occasion("hiking", "orchestral", "adventurous", _w("hiking|hike|trek|trekking|mountaineering|summit|"
                                                                 "alps|徒步|爬山|登山|雪山")),
    "countryside": Occasion("countryside", "country", "happy", _w("farm|countryside|rural|ranch|cowboy|western|"
                                                                  "乡村|农场|田园|牛仔")),
    "dance": Occasion("dance", "pop", "energetic", _w("dancing|choreography|dance tutorial|dance video|舞蹈|跳舞")),
    "art": Occasion("art", "piano", "calm", _w("art|painting|drawing|sketching|craft|crafts|diy|pottery|timelapse|"
                                               "time-lapse|艺术|绘画|画画|手工|延时")),
    "fantasy": Occasion("fantasy", "orchestral", "whimsical", _w("fairy tale|fairytale|fairy tales|wizard|wizards|"
                                                                 "fantasy|dragons|castle|magic school|童话|魔幻|仙境"),
                        strong=True),
    "gala": Occasion("gala", "orchestral", "triumphant", _w("gala|award|awards|award ceremony|annual meeting|"
                                                            "年会|颁奖|典礼")),
    "stop motion": Occasion("stop motion", "kids", "quirky", _w("stop motion|stop-motion|claymation|定格动画")),
    "comedy": Occasion("comedy", "kids", "quirky", _w("sketch|prank|meme|memes|blooper|bloopers|sitcom|搞笑视频|"
                                                      "段子|恶搞")),
    "memorial": Occasion("memorial", "piano", "sad", _w("memorial|funeral|tribute|remembrance|in memory|in memoriam|"
                                                        "rest in peace|追悼|葬礼|悼念")),
    "charity": Occasion("charity", "piano", "hopeful", _w("charity|fundraiser|fundraising|nonprofit|non-profit|"
                                                          "donation|volunteer|volunteering|慈善|公益|志愿")),
    "church": Occasion("church", "gospel", "inspiring", _w("church|worship|praise|sunday service|教会|礼拜|赞美"), strong=True),
    "fight": Occasion("fight", "rock", "aggressive", _w("boxing|mma|fight|fighting|martial arts|拳击|格斗")),
    "kung fu": Occasion("kung fu", "chinese", "heroic", _w("kung fu|kungfu|wuxia|功夫|武术")),
    "fishing": Occasion("fishing", "folk", "calm", _w("fishing|fisherman|钓鱼")),
    "garden": Occasion("garden", "acoustic", "calm", _w("garden|gardening|plants|园艺|花园")),
    "cycling": Occasion("cycling", "indie_rock", "energetic", _w("cycling|bike|biking|mountain bike|mtb|骑行|自行车")),
    "hawaii": Occasion("Hawaii", "acoustic", "happy", _w("hawaii|hawaiian|aloha|luau|夏威夷")),
    "caribbean": Occasion("Caribbean", "reggae", "chill", _w("caribbean|jamaica|jamaican|加勒比|牙买加"), strong=True),
    "latin america": Occasion("Latin America", "latin", "festive", _w("mexico|mexican|cuba|cuban|salsa night|salsa dancing|"
                                                                      "墨西哥|古巴"), strong=True),
    "brazil": Occasion("Brazil", "bossa_nova", "chill", _w("brazil|brazilian|rio|ipanema|巴西"), strong=True),
    "argentina": Occasion("Argentina", "tango", "dramatic", _w("argentina|buenos aires|阿根廷"), strong=True),
    "africa": Occasion("Africa", "afrobeat", "groovy", _w("africa|african|lagos|非洲"), strong=True),
    "ireland": Occasion("Ireland", "celtic", "adventurous", _w("ireland|scotland|scottish|st patrick|"
                                                               "st. patrick's|highlands|爱尔兰|苏格兰"), strong=True),
    "china": Occasion("China", "chinese", "elegant", _w("china|beijing|shanghai|chinese culture|tea ceremony|"
                                                        "中国|中华|茶艺|茶道|dim sum|dumplings|饺子"), strong=True),
    "japan": Occasion("Japan", "japanese", "calm", _w("japan|tokyo|kyoto|samurai|cherry blossom|zen garden|"
                                                      "日本|东京|京都|樱花|sushi|ramen|matcha|寿司|拉面"), strong=True),
    "india": Occasion("India", "indian", "festive", _w("india|bollywood|diwali|holi|mumbai|印度|宝莱坞|curry"), strong=True),
    "new orleans": Occasion("New Orleans", "jazz", "festive", _w("new orleans|mardi gras|speakeasy|新奥尔良"), strong=True),
    "vienna": Occasion("Vienna", "waltz", "elegant", _w("vienna|ballroom|舞会|维也纳"), strong=True),
    "retro game": Occasion("retro game", "chiptune", "playful", _w("retro game|retro gaming|arcade|pixel art|"
                                                                   "pixel|nintendo|街机|像素"), strong=True),
    "retirement": Occasion("retirement", "acoustic", "nostalgic", _w("retirement|retiring|farewell party|退休")),
    "luxury": Occasion("luxury", "classical_strings", "elegant", _w("luxury|luxurious|high-end|premium|jewelry|"
                                                                    "jewellery|perfume|watch brand|奢华|奢侈品|高端")),
    "cyberpunk": Occasion("cyberpunk", "synthwave", "dark", _w("cyberpunk|cyber punk|neon city|blade runner|"
                                                               "赛博朋克|赛博"), strong=True),
}

# style key -> the words that name it (the style's own label words count too)
STYLE_WORDS: dict[str, tuple[str, ...]] = {
    "pop": _w("pop|pop song|pop music|k-pop|kpop|j-pop|jpop|mainstream|radio-friendly|radio friendly|top 40|"
               "chart|sing-along|singalong|流行|流行乐|流行歌"),
    "indie_pop": _w("indie pop|indie-pop|indie|jangle pop|dream pop|独立流行"),
    "corporate": _w("corporate|corporate music|business music|企业风|商务风"),
    "rock": _w("rock|rock music|rock and roll|rock n roll|rock'n'roll|hard rock|classic rock|guitar rock|"
               "摇滚|摇滚乐"),
    "indie_rock": _w("indie rock|alternative|alt rock|alt-rock|alternative rock|garage rock|grunge|独立摇滚|另类摇滚"),
    "punk": _w("punk|punk rock|pop punk|pop-punk|朋克"),
    "metal": _w("metal|heavy metal|metalcore|thrash|death metal|金属|重金属"),
    "edm": _w("edm|electronic|electronica|electro|electronic dance|dance|dance music|banger|bangers|big room|festival edm|club music|"
              "电子|电音|电子乐|电子舞曲|舞曲"),
    "house": _w("house|house music|progressive house|electro house|浩室|house舞曲"),
    "deep_house": _w("deep house|deep-house|lounge|深浩室"),
    "tropical_house": _w("tropical house|tropical-house|tropical pop|热带浩室"),
    "techno": _w("techno|minimal techno|industrial|科技舞曲|铁克诺"),
    "trance": _w("trance|psytrance|迷幻舞曲|出神"),
    "drum_and_bass": _w("drum and bass|drum & bass|drum n bass|drum'n'bass|dnb|d&b|jungle|liquid dnb|鼓打贝斯"),
    "dubstep": _w("dubstep|brostep|wobble|回响贝斯"),
    "synthwave": _w("synthwave|synth wave|retrowave|retro wave|outrun|vaporwave|80s|eighties|1980s|retro synth|"
                    "合成器浪潮|复古合成"),
    "chiptune": _w("chiptune|chip tune|8-bit|8 bit|8bit|16-bit|16 bit|16bit|video game music|game boy|"
                   "芯片音乐|8位|像素风"),
    "hiphop": _w("hip hop|hip-hop|hiphop|rap|boom bap|boom-bap|old school hip hop|instrumental hip hop|"
                 "嘻哈|说唱"),
    "trap": _w("trap|trap beat|drill|陷阱|trap音乐"),
    "lofi": _w("lo-fi|lofi|lo fi|low fi|lo-fi hip hop|lofi hip hop|lofi beats|chillhop beats|低保真"),
    "funk": _w("funk|funky|funk music|p-funk|放克"),
    "disco": _w("disco|nu disco|nu-disco|funky disco|迪斯科|迪斯可"),
    "soul": _w("soul|r&b|rnb|r and b|rhythm and blues|neo soul|neo-soul|motown|灵魂乐|节奏布鲁斯"),
    "gospel": _w("gospel|spiritual choir|福音|福音音乐"),
    "jazz": _w("jazz|jazzy|smooth jazz|bebop|cool jazz|jazz trio|film noir|noir|detective|爵士|爵士乐"),
    "swing": _w("swing|big band|big-band|swing jazz|electro swing|摇摆乐|大乐队"),
    "blues": _w("blues|bluesy|blues rock|delta blues|twelve-bar|12-bar|twelve bar|12 bar|slide guitar|布鲁斯|蓝调"),
    "latin": _w("latin|cumbia|merengue|latin jazz|拉丁|萨尔萨"),
    "bossa_nova": _w("bossa nova|bossa|bossanova|samba|波萨诺瓦|巴萨诺瓦|桑巴"),
    "reggae": _w("reggae|dub|ska|雷鬼"),
    "reggaeton": _w("reggaeton|reggaetón|dembow|雷鬼动"),
    "afrobeat": _w("afrobeat|afrobeats|afro beat|afro-beat|afro pop|amapiano|非洲节奏"),
    "tango": _w("tango|flamenco|探戈|弗拉门戈"),
    "celtic": _w("celtic|irish|irish folk|jig|scottish folk|凯尔特|爱尔兰风"),
    "chinese": _w("chinese|chinese traditional|traditional chinese|guofeng|中国风|古风|民乐|国风|国乐|中式"),
    "japanese": _w("japanese|japanese traditional|traditional japanese|wafu|日式|和风|日本风"),
    "indian": _w("indian|indian classical|raga|印度风|印度音乐"),
    "folk": _w("folk|folk music|folky|folksy|indie folk|民谣|民歌"),
    "country": _w("country|country music|americana|honky tonk|twang|pedal steel|乡村音乐|乡村乐"),
    "bluegrass": _w("bluegrass|hillbilly|蓝草"),
    "acoustic": _w("acoustic|unplugged|singer-songwriter|singer songwriter|campfire song|原声|不插电|弹唱"),
    "classical_piano": _w("classical|classical music|classical piano|baroque|romantic era|nocturne|sonata|"
                          "古典|古典乐|古典音乐|古典钢琴|巴洛克"),
    "classical_strings": _w("string quartet|chamber music|chamber|classical strings|弦乐四重奏|室内乐"),
    "waltz": _w("waltz|3/4|three four|华尔兹|圆舞曲"),
    "piano": _w("solo piano|piano solo|piano ballad|ballad|钢琴独奏|钢琴曲|抒情"),
    "orchestral": _w("orchestral|orchestra|symphonic|symphony|cinematic|film score|movie score|soundtrack score|"
                     "film|films|short film|film music|movie|管弦|管弦乐|交响|交响乐|电影|电影配乐|影视"),
    "trailer": _w("trailer|epic trailer|blockbuster|action movie|预告片|大片"),
    "ambient": _w("ambient|drone music|soundscape|氛围|氛围音乐|环境音乐"),
    "new_age": _w("new age|new-age|spa music|relaxation music|新世纪|轻音乐"),
    "lullaby": _w("lullaby|lullabies|lullabye|nursery rhyme|cradle song|摇篮曲|催眠曲"),
    "kids": _w("children's|childrens|children's music|kids music|kid's|kiddie|nursery music|儿歌|童谣"),
    "christmas": _w("christmas music|christmas song|christmas carol|carol|carols|jingle|圣诞歌|圣诞音乐"),
}

# instrument word -> instrument name in _instruments.INSTRUMENTS (or "drums")
INSTRUMENT_WORDS: dict[str, tuple[str, ...]] = {
    "piano": _w("piano|pianos|grand piano|keys|钢琴"),
    "electric piano": _w("electric piano|rhodes|wurlitzer|e-piano|epiano|电钢琴|电钢"),
    "organ": _w("organ|hammond|b3|风琴|电风琴"),
    "church organ": _w("church organ|pipe organ|管风琴"),
    "harpsichord": _w("harpsichord|harpsichords|cembalo|clavecin|大键琴|羽管键琴"),
    "clavinet": _w("clavinet|clav|击弦古钢琴"),
    "honky-tonk piano": _w("honky-tonk piano|honky tonk piano|saloon piano|酒吧钢琴"),
    "accordion": _w("accordion|accordian|手风琴"),
    "bandoneon": _w("bandoneon|bandoneón|班多钮手风琴|班德琴"),
    "harmonica": _w("harmonica|mouth organ|blues harp|口琴"),
    "celesta": _w("celesta|celeste|钢片琴"),
    "glockenspiel": _w("glockenspiel|glock|钟琴"),
    "music box": _w("music box|musicbox|music-box|音乐盒|八音盒"),
    "vibraphone": _w("vibraphone|vibraphones|颤音琴"),
    "marimba": _w("marimba|马林巴"),
    "xylophone": _w("xylophone|木琴"),
    "tubular bells": _w("bells|chimes|tubular bells|church bells|钟声|钟琴声"),
    "kalimba": _w("kalimba|thumb piano|mbira|卡林巴|拇指琴"),
    "steel drums": _w("steel drum|steel drums|steelpan|steel pan|钢鼓"),
    "nylon guitar": _w("ukulele|ukelele|uke|nylon guitar|classical guitar|spanish guitar|尤克里里|古典吉他"),
    "acoustic guitar": _w("guitar|guitars|acoustic guitar|strummed guitar|fingerstyle|吉他|木吉他|民谣吉他"),
    "clean guitar": _w("clean guitar|clean electric guitar"),
    "overdriven guitar": _w("electric guitar|electric guitars|电吉他"),
    "distortion guitar": _w("distorted guitar|distortion guitar|heavy guitar|heavy guitars|distorted chords|shred|失真吉他"),
    "jazz guitar": _w("jazz guitar|hollow body|爵士吉他"),
    "banjo": _w("banjo|班卓琴"),
    "mandolin": _w("mandolin|曼陀林"),
    "sitar": _w("sitar|西塔琴"),
    "koto": _w("koto|guzheng|zither|古筝|筝|琵琶|pipa"),
    "shamisen": _w("shamisen|三味线"),
    "harp": _w("harp|harps|竖琴"),
    "bass": _w("bass|bass guitar|bassline|bass line|贝斯"),
    "acoustic bass": _w("upright bass|double bass|acoustic bass|低音提琴|大贝斯"),
    "fretless bass": _w("fretless bass|fretless|无品贝斯"),
    "contrabass": _w("contrabass|contrabasses|bass section|orchestral basses"),
    "slap bass": _w("slap bass|slap|funky bass"),
    "synth bass": _w("synth bass|synthbass|sub bass|合成器贝斯"),
    "808 bass": _w("808|808s|808 bass"),
    "tuba": _w("tuba|大号"),
    "violin": _w("violin|violins|小提琴"),
    "viola": _w("viola|中提琴"),
    "cello": _w("cello|cellos|大提琴"),
    "erhu": _w("erhu|二胡|胡琴"),
    "fiddle": _w("fiddle|fiddles"),
    "strings": _w("strings|string|string section|orchestral strings|弦乐|弦乐队"),
    "synth strings": _w("synth strings|string synth|string synths|synth string|合成弦乐"),
    "pizzicato strings": _w("pizzicato|plucked strings|拨弦"),
    "choir": _w("choir|choral|voices|合唱|唱诗班"),
    "voice": _w("voice|vocal|vocals|vocal line|singing|singer|vocalist|oohs|人声|歌声|哼唱"),
    "trumpet": _w("trumpet|trumpets|小号"),
    "trombone": _w("trombone|长号"),
    "french horn": _w("french horn|horn|圆号"),
    "brass": _w("brass|brass section|horn section|horns|铜管|铜管乐"),
    "saxophone": _w("saxophone|sax|saxophones|alto sax|tenor sax|萨克斯|萨克斯风"),
    "clarinet": _w("clarinet|单簧管|黑管"),
    "oboe": _w("oboe|双簧管"),
    "flute": _w("flute|flutes|长笛"),
    "piccolo": _w("piccolo|短笛"),
    "dizi": _w("dizi|bamboo flute|笛子|竹笛"),
    "recorder": _w("recorder|竖笛"),
    "pan flute": _w("pan flute|panpipes|pan pipes|排箫"),
    "tin whistle": _w("tin whistle|whistle|penny whistle|哨笛"),
    "shakuhachi": _w("shakuhachi|尺八"),
    "ocarina": _w("ocarina|陶笛"),
    "bagpipe": _w("bagpipe|bagpipes|pipes|风笛"),
    "synth lead": _w("synth|synths|synthesizer|synthesizers|synth lead|lead synth|合成器"),
    "synth pad": _w("pad|pads|synth pad|synth pads|合成器铺底"),
    "saw synth": _w("supersaw|saw synth|saw"),
    "timpani": _w("timpani|kettle drums|定音鼓"),
    "drums": _w("drums|drum|percussion|beat|beats|drum kit|鼓|打击乐|鼓点"),
}

# an instrument whose sound names a style: ukulele music is acoustic, guzheng music Chinese
INSTRUMENT_STYLES: dict[str, str] = {
    "nylon guitar": "acoustic", "acoustic guitar": "acoustic", "drums": "hiphop", "synth pad": "ambient", "banjo": "country", "mandolin": "folk",
    "fiddle": "country", "bagpipe": "celtic", "tin whistle": "celtic", "erhu": "chinese", "koto": "chinese",
    "dizi": "chinese", "shakuhachi": "japanese", "shamisen": "japanese", "sitar": "indian", "808 bass": "trap",
    "music box": "lullaby", "steel drums": "reggae", "accordion": "folk", "harmonica": "blues",
    "piano": "piano", "strings": "classical_strings", "violin": "classical_strings", "cello": "classical_strings",
    "harp": "new_age", "saxophone": "jazz", "church organ": "gospel", "synth lead": "synthwave",
    "distortion guitar": "metal", "overdriven guitar": "rock", "kalimba": "acoustic", "ocarina": "kids",
    "timpani": "orchestral", "choir": "orchestral", "trumpet": "jazz", "electric piano": "soul",
}
# (style, instrument named) -> the style it becomes: classical with strings is chamber music
STYLE_REFINEMENTS: dict[tuple[str, str], str] = {
    ("classical_piano", "strings"): "classical_strings", ("classical_piano", "violin"): "classical_strings",
    ("classical_piano", "cello"): "classical_strings", ("classical_piano", "pizzicato strings"): "classical_strings",
    ("edm", "808 bass"): "trap", ("hiphop", "808 bass"): "trap", ("lofi", "piano"): "lofi",
    ("jazz", "piano"): "jazz", ("orchestral", "piano"): "orchestral",
}

PACE_WORDS: dict[str, float] = {  # word -> how far it moves the tempo within the style's range
    **dict.fromkeys(_w("slow|slowly|slower|downtempo|down-tempo|slow tempo|low tempo|leisurely|"
                       "慢|慢速|缓慢|慢节奏|慢一点"), -0.45),
    **dict.fromkeys(_w("fast|faster|quick|rapid|uptempo|up-tempo|high tempo|speedy|brisk|racing pace|"
                       "快|快速|快节奏|快一点|急促"), 0.45),
    **dict.fromkeys(_w("mid-tempo|midtempo|mid tempo|moderate|medium tempo|中速|中等速度"), 0.0),
    **dict.fromkeys(_w("viennese|quickstep|galop|salsa|mambo"), 0.4),
}
ENERGY_WORDS: dict[str, float] = {  # word -> how much it moves the energy
    **dict.fromkeys(_w("powerful|big|loud|full|punchy|heavy hitting|more energy|"
                       "强烈|有力|炸|燃爆"), 0.2),
    **dict.fromkeys(_w("low energy|low-energy|subtle|minimal|minimalist|sparse|light|soft|understated|"
                       "unobtrusive|低调|简约|轻|淡淡"), -0.15),
}
# word -> (field, value) for arrangement and structure
FLAG_WORDS: dict[str, tuple[str, object]] = {
    **dict.fromkeys(_w("no drums|without drums|drumless|no percussion|no beat|no beats|without percussion|"
                       "不要鼓|没有鼓|无鼓|不要打击乐"), ("drums", False)),
    **dict.fromkeys(_w("with drums|add drums|more drums|加鼓|有鼓"), ("drums", True)),
    **dict.fromkeys(_w("fade in|fade-in|fades in|淡入"), ("fade_in", True)),
    **dict.fromkeys(_w("fade out|fade-out|fades out|fading out|淡出"), ("fade_out", True)),
    **dict.fromkeys(_w("build up|build-up|buildup|builds up|building|crescendo|rising|gets bigger|"
                       "渐强|递进|逐渐增强"), ("build", True)),
    **dict.fromkeys(_w("no intro|without intro|straight in|不要前奏|无前奏"), ("intro", "none")),
    **dict.fromkeys(_w("short intro|shorter intro|quick intro|短前奏"), ("intro", "short")),
    **dict.fromkeys(_w("long intro|longer intro|slow intro|长前奏"), ("intro", "long")),
    **dict.fromkeys(_w("long ending|longer ending|big ending|long outro|长结尾|长尾奏"), ("ending", "long")),
    **dict.fromkeys(_w("short ending|abrupt ending|quick ending|short outro|短结尾"), ("ending", "short")),
}
# "just piano", "only guitar", "钢琴独奏": the named instruments play everything
ONLY_WORDS = _w("just|only|solo|alone|nothing but|纯|只要|只用|独奏")
