<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="ko_KR">
<context>
    <name>Sillok</name>
    <message>
        <source>Send</source>
        <translation>보내기</translation>
    </message>
    <message>
        <source>Send the question (Enter); Shift+Enter for a new line</source>
        <translation>질문 보내기 (Enter), 줄바꿈은 Shift+Enter</translation>
    </message>
    <message>
        <source>Stop</source>
        <translation>중지</translation>
    </message>
    <message>
        <source>Stop the answer (Esc)</source>
        <translation>답변 중지 (Esc)</translation>
    </message>
    <message>
        <source>Ask a question about your documents…</source>
        <translation>문서에 대해 질문하세요…</translation>
    </message>
    <message>
        <source>p.</source>
        <translation>쪽</translation>
    </message>
    <message>
        <source>(stopped)</source>
        <translation>(중지됨)</translation>
    </message>
    <message>
        <source>Sources</source>
        <translation>출처</translation>
    </message>
    <message>
        <source>Copy</source>
        <translation>복사</translation>
    </message>
    <message>
        <source>Export…</source>
        <translation>내보내기…</translation>
    </message>
    <message>
        <source>Error</source>
        <translation>오류</translation>
    </message>
    <message>
        <source>indexed</source>
        <translation>색인됨</translation>
    </message>
    <message>
        <source>updated</source>
        <translation>갱신됨</translation>
    </message>
    <message>
        <source>failed</source>
        <translation>실패</translation>
    </message>
    <message>
        <source>about {0}:{1:02d} left</source>
        <translation>약 {0}:{1:02d} 남음</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>취소</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>닫기</translation>
    </message>
    <message>
        <source>Reading</source>
        <translation>읽는 중</translation>
    </message>
    <message>
        <source>Preparing the index</source>
        <translation>색인 준비 중</translation>
    </message>
    <message>
        <source>Adding documents failed</source>
        <translation>문서 추가 실패</translation>
    </message>
    <message>
        <source>Cancelling…</source>
        <translation>취소하는 중…</translation>
    </message>
    <message>
        <source>already indexed</source>
        <translation>이미 색인됨</translation>
    </message>
    <message>
        <source>needs OCR</source>
        <translation>OCR 필요</translation>
    </message>
    <message>
        <source>Cancelled</source>
        <translation>취소됨</translation>
    </message>
    <message>
        <source>Done</source>
        <translation>완료</translation>
    </message>
    <message>
        <source>Preparing {0} item(s)…</source>
        <translation>{0}개 항목 준비 중…</translation>
    </message>
    <message>
        <source>{0} files in {1:.1f} s</source>
        <translation>파일 {0}개, {1:.1f}초</translation>
    </message>
    <message>
        <source>{0} pages, {1} passages</source>
        <translation>{0}쪽, 구절 {1}개</translation>
    </message>
    <message>
        <source>Adding documents to “{0}”…</source>
        <translation>“{0}”에 문서 추가 중…</translation>
    </message>
    <message>
        <source>{0}: {1} added, {2} failed</source>
        <translation>{0}: {1}개 추가, {2}개 실패</translation>
    </message>
    <message>
        <source>Settings</source>
        <translation>설정</translation>
    </message>
    <message>
        <source>Add file…</source>
        <translation>파일 추가…</translation>
    </message>
    <message>
        <source>“default” is the bundled model; or a sentence-transformers folder</source>
        <translation>“default”는 기본 내장 모델입니다. sentence-transformers 폴더를 지정할 수도 있습니다</translation>
    </message>
    <message>
        <source>Folder…</source>
        <translation>폴더…</translation>
    </message>
    <message>
        <source>Language model</source>
        <translation>언어 모델</translation>
    </message>
    <message>
        <source>Recommended models</source>
        <translation>추천 모델</translation>
    </message>
    <message>
        <source>GPU layers</source>
        <translation>GPU 레이어</translation>
    </message>
    <message>
        <source>Context size (tokens)</source>
        <translation>컨텍스트 크기 (토큰)</translation>
    </message>
    <message>
        <source>Temperature</source>
        <translation>온도</translation>
    </message>
    <message>
        <source>Embedding model</source>
        <translation>임베딩 모델</translation>
    </message>
    <message>
        <source>Data folder</source>
        <translation>데이터 폴더</translation>
    </message>
    <message>
        <source>Language</source>
        <translation>언어</translation>
    </message>
    <message>
        <source>Changes to models or the data folder apply to the next question.</source>
        <translation>모델이나 데이터 폴더 변경은 다음 질문부터 적용됩니다.</translation>
    </message>
    <message>
        <source>Default (bundled)</source>
        <translation>기본 (내장)</translation>
    </message>
    <message>
        <source>Add a GGUF model</source>
        <translation>GGUF 모델 추가</translation>
    </message>
    <message>
        <source>Choose a folder</source>
        <translation>폴더 선택</translation>
    </message>
    <message>
        <source>Automatic</source>
        <translation>자동</translation>
    </message>
    <message>
        <source>Manual</source>
        <translation>수동</translation>
    </message>
    <message>
        <source>Not a usable model</source>
        <translation>사용할 수 없는 모델</translation>
    </message>
    <message>
        <source>unusable</source>
        <translation>사용 불가</translation>
    </message>
    <message>
        <source>Collections</source>
        <translation>컬렉션</translation>
    </message>
    <message>
        <source>Documents</source>
        <translation>문서</translation>
    </message>
    <message>
        <source>Conversations</source>
        <translation>대화</translation>
    </message>
    <message>
        <source>New</source>
        <translation>새로 만들기</translation>
    </message>
    <message>
        <source>Rename</source>
        <translation>이름 변경</translation>
    </message>
    <message>
        <source>Delete</source>
        <translation>삭제</translation>
    </message>
    <message>
        <source>Start a new conversation</source>
        <translation>새 대화 시작</translation>
    </message>
    <message>
        <source>Filter documents (Ctrl+F)</source>
        <translation>문서 필터 (Ctrl+F)</translation>
    </message>
    <message>
        <source>New collection</source>
        <translation>새 컬렉션</translation>
    </message>
    <message>
        <source>Name:</source>
        <translation>이름:</translation>
    </message>
    <message>
        <source>Rename collection</source>
        <translation>컬렉션 이름 변경</translation>
    </message>
    <message>
        <source>New name:</source>
        <translation>새 이름:</translation>
    </message>
    <message>
        <source>Re-index</source>
        <translation>다시 색인</translation>
    </message>
    <message>
        <source>Remove from collection</source>
        <translation>컬렉션에서 제거</translation>
    </message>
    <message>
        <source>Open in system viewer</source>
        <translation>기본 프로그램으로 열기</translation>
    </message>
    <message>
        <source>Delete conversation</source>
        <translation>대화 삭제</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>이름</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>상태</translation>
    </message>
    <message>
        <source>Pages</source>
        <translation>쪽수</translation>
    </message>
    <message>
        <source>Chunks</source>
        <translation>구절</translation>
    </message>
    <message>
        <source>Added</source>
        <translation>추가일</translation>
    </message>
    <message>
        <source>Delete collection</source>
        <translation>컬렉션 삭제</translation>
    </message>
    <message>
        <source>(untitled)</source>
        <translation>(제목 없음)</translation>
    </message>
    <message>
        <source>{0} documents, {1} passages</source>
        <translation>문서 {0}개, 구절 {1}개</translation>
    </message>
    <message>
        <source>Delete the collection “{0}” and its index? Your files are not touched.</source>
        <translation>“{0}” 컬렉션과 색인을 삭제할까요? 원본 파일은 그대로 남습니다.</translation>
    </message>
    <message>
        <source>Click a citation such as [1] in an answer to see the passage here.</source>
        <translation>답변의 [1] 같은 인용을 누르면 해당 구절이 여기에 표시됩니다.</translation>
    </message>
    <message>
        <source>Source</source>
        <translation>출처 문서</translation>
    </message>
    <message>
        <source>Cannot open {0}</source>
        <translation>{0}을(를) 열 수 없습니다</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>파일(&amp;F)</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>보기(&amp;V)</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>도움말(&amp;H)</translation>
    </message>
    <message>
        <source>Add documents</source>
        <translation>문서 추가</translation>
    </message>
    <message>
        <source>Add folder</source>
        <translation>폴더 추가</translation>
    </message>
    <message>
        <source>Add documents…</source>
        <translation>문서 추가…</translation>
    </message>
    <message>
        <source>Add folder…</source>
        <translation>폴더 추가…</translation>
    </message>
    <message>
        <source>Copy answer</source>
        <translation>답변 복사</translation>
    </message>
    <message>
        <source>Export answer…</source>
        <translation>답변 내보내기…</translation>
    </message>
    <message>
        <source>Settings…</source>
        <translation>설정…</translation>
    </message>
    <message>
        <source>Quit</source>
        <translation>종료</translation>
    </message>
    <message>
        <source>Larger text</source>
        <translation>글자 크게</translation>
    </message>
    <message>
        <source>Smaller text</source>
        <translation>글자 작게</translation>
    </message>
    <message>
        <source>About Sillok</source>
        <translation>실록 정보</translation>
    </message>
    <message>
        <source>Drop documents (PDF, Word, HWP, text…) anywhere on this window, or use File → Add documents… (Ctrl+O). Then ask a question below: answers cite the passages they come from, and everything stays on this computer.</source>
        <translation>문서(PDF, Word, 한글, 텍스트 등)를 이 창 아무 곳에나 끌어다 놓거나 파일 → 문서 추가…(Ctrl+O)를 사용하세요. 그런 다음 아래에 질문하면 답변이 근거가 된 구절을 인용합니다. 모든 내용은 이 컴퓨터 안에만 머뭅니다.</translation>
    </message>
    <message>
        <source>Answer copied</source>
        <translation>답변을 복사했습니다</translation>
    </message>
    <message>
        <source>Export answer</source>
        <translation>답변 내보내기</translation>
    </message>
    <message>
        <source>Answers from your own documents, offline.</source>
        <translation>내 문서에서 찾는 답, 오프라인으로.</translation>
    </message>
    <message>
        <source>Ask a question about the {0} documents in “{1}”.</source>
        <translation>“{1}”의 문서 {0}개에 대해 질문하세요.</translation>
    </message>
    <message>
        <source>not loaded</source>
        <translation>불러오지 않음</translation>
    </message>
    <message>
        <source>Model</source>
        <translation>모델</translation>
    </message>
    <message>
        <source>Context</source>
        <translation>컨텍스트</translation>
    </message>
    <message>
        <source>Embedding</source>
        <translation>임베딩</translation>
    </message>
    <message>
        <source>Welcome to Sillok</source>
        <translation>실록에 오신 것을 환영합니다</translation>
    </message>
    <message>
        <source>Answering…</source>
        <translation>답변 작성 중…</translation>
    </message>
    <message>
        <source>layers</source>
        <translation>레이어</translation>
    </message>
    <message>
        <source>Loading the language model…</source>
        <translation>언어 모델을 불러오는 중…</translation>
    </message>
    <message>
        <source>This computer</source>
        <translation>이 컴퓨터</translation>
    </message>
    <message>
        <source>Office server</source>
        <translation>사무실 서버</translation>
    </message>
    <message>
        <source>Office server: {0}</source>
        <translation>사무실 서버: {0}</translation>
    </message>
    <message>
        <source>Index server</source>
        <translation>색인 서버</translation>
    </message>
    <message>
        <source>Model server</source>
        <translation>모델 서버</translation>
    </message>
    <message>
        <source>Embedding server</source>
        <translation>임베딩 서버</translation>
    </message>
    <message>
        <source>Where documents and questions go</source>
        <translation>문서와 질문을 처리할 곳</translation>
    </message>
    <message>
        <source>optional: embeddings on this computer</source>
        <translation>선택 사항: 비워 두면 이 컴퓨터에서 임베딩</translation>
    </message>
    <message>
        <source>token stored</source>
        <translation>토큰 저장됨</translation>
    </message>
    <message>
        <source>token from environment</source>
        <translation>환경 변수의 토큰</translation>
    </message>
    <message>
        <source>token</source>
        <translation>토큰</translation>
    </message>
    <message>
        <source>Tokens are kept in the OS keyring, never in the settings file. Leave a token empty to keep the one stored.</source>
        <translation>토큰은 설정 파일이 아니라 운영체제 키링에 보관됩니다. 저장된 토큰을 그대로 쓰려면 비워 두세요.</translation>
    </message>
    <message>
        <source>{0} is not a server address; use e.g. https://sillok.office.lan:8444</source>
        <translation>{0}은(는) 서버 주소가 아닙니다. 예: https://sillok.office.lan:8444</translation>
    </message>
    <message>
        <source>Enter the address of the index server or the model server, or choose This computer.</source>
        <translation>색인 서버나 모델 서버의 주소를 입력하거나 ‘이 컴퓨터’를 선택하세요.</translation>
    </message>
    <message>
        <source>Enter the name of the embedding server's model (it keeps the vectors of different models apart).</source>
        <translation>임베딩 서버의 모델 이름을 입력하세요(서로 다른 모델의 벡터가 섞이지 않게 합니다).</translation>
    </message>
    <message>
        <source>Enter the server address that the token belongs to.</source>
        <translation>토큰을 쓸 서버의 주소를 입력하세요.</translation>
    </message>
    <message>
        <source>Cancel download</source>
        <translation>다운로드 취소</translation>
    </message>
    <message>
        <source>Download</source>
        <translation>다운로드</translation>
    </message>
    <message>
        <source>Download a model</source>
        <translation>모델 다운로드</translation>
    </message>
    <message>
        <source>Download cancelled; pressing Download again resumes it.</source>
        <translation>다운로드를 취소했습니다. 다운로드를 다시 누르면 이어서 받습니다.</translation>
    </message>
    <message>
        <source>Downloaded and checked: {0}</source>
        <translation>다운로드하고 검사했습니다: {0}</translation>
    </message>
    <message>
        <source>Downloading {0}…</source>
        <translation>{0} 다운로드 중…</translation>
    </message>
    <message>
        <source>Download…</source>
        <translation>다운로드…</translation>
    </message>
    <message>
        <source>Fetch a recommended model from the Hugging Face hub (needs internet)</source>
        <translation>추천 모델을 Hugging Face 허브에서 받습니다 (인터넷 필요)</translation>
    </message>
    <message>
        <source>Languages</source>
        <translation>언어</translation>
    </message>
    <message>
        <source>License</source>
        <translation>라이선스</translation>
    </message>
    <message>
        <source>Memory</source>
        <translation>메모리</translation>
    </message>
    <message>
        <source>Sillok connects to the internet only for the download you start here. Files go to {0}.</source>
        <translation>실록은 여기서 시작한 다운로드에만 인터넷에 연결합니다. 파일은 {0}에 저장됩니다.</translation>
    </message>
    <message>
        <source>Size</source>
        <translation>크기</translation>
    </message>
    <message>
        <source>{0} MB received</source>
        <translation>{0} MB 받음</translation>
    </message>
    <message>
        <source>Retry</source>
        <translation>다시 시도</translation>
    </message>
    <message>
        <source>Export conversation</source>
        <translation>대화 내보내기</translation>
    </message>
    <message>
        <source>Export conversation…</source>
        <translation>대화 내보내기…</translation>
    </message>
    <message>
        <source>Saved {0}</source>
        <translation>{0} 저장됨</translation>
    </message>
    <message>
        <source>Markdown (*.md)</source>
        <translation>Markdown (*.md)</translation>
    </message>
    <message>
        <source>Word memo (*.docx)</source>
        <translation>Word 메모 (*.docx)</translation>
    </message>
    <message>
        <source>p. {0}</source>
        <translation>{0}쪽</translation>
    </message>
    <message>
        <source>Reveal</source>
        <translation>가림 해제</translation>
    </message>
    <message>
        <source>Show this document with its identifiers in full, in this view only (written to the audit log)</source>
        <translation>이 화면에서만 개인 식별 정보를 가리지 않고 표시합니다 (감사 기록에 남음)</translation>
    </message>
    <message>
        <source>Shown in full for this view only; the reveal was written to the audit log.</source>
        <translation>이 화면에서만 전체를 표시합니다. 가림 해제는 감사 기록에 남았습니다.</translation>
    </message>
    <message>
        <source>Identifiers in this document are masked.</source>
        <translation>이 문서의 개인 식별 정보는 가려져 있습니다.</translation>
    </message>
    <message>
        <source>This PDF holds personal identifiers, so it is shown as masked text.</source>
        <translation>이 PDF에는 개인 식별 정보가 있어 가린 텍스트로 표시합니다.</translation>
    </message>
</context>
</TS>
